"""facility.registered_on and asset.registered_on: the day obligations count from

Obligations of a facility, and of an asset without an installation date, counted from the
creation timestamp: a fact of the database, not of the site, and tied to the day rows were
typed in. The new column is data the operator can set; existing rows take the local day of
their creation, so no due date moves.

Revision ID: c6d7e8f9a0b1
Revises: b3c4d5e6f7a8
Create Date: 2026-12-07 12:00:00

"""
from datetime import UTC
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from registry.core.dates import local_zone

# revision identifiers, used by Alembic.
revision = 'c6d7e8f9a0b1'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None

_CHUNK = 5000


def _backfill(table_name):
    """Set registered_on to the local day of created_at, a chunk of rows at a time."""
    bind = op.get_bind()
    table = sa.table(
        table_name,
        sa.column('id', sa.Integer),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('registered_on', sa.Date),
    )
    zone = local_zone()
    update = (
        table.update()
        .where(table.c.id == sa.bindparam('row_id'))
        .values(registered_on=sa.bindparam('day'))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.created_at)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        values = [{'row_id': row_id, 'day': _local_day(created, zone)} for row_id, created in rows]
        bind.execute(update, values)
        last = rows[-1][0]


def _local_day(created, zone):
    if created is None:
        created = datetime.now(UTC)
    if isinstance(created, str):  # SQLite without type information
        created = datetime.fromisoformat(created)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(zone).date()


def upgrade():
    for name in ('facility', 'asset'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        _backfill(name)
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column('registered_on', existing_type=sa.Date(), nullable=False)


def downgrade():
    for name in ('asset', 'facility'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('registered_on')
