"""One certificate in force per inspection: a partial unique index on certificate.inspection_id

Two concurrent issues from one inspection both passed the service's check before either
wrote; the index refuses the second, which answers 409. Superseded and revoked certificates
are not counted (history stays as it is).

Revision ID: c5d6e7f8a9b0
Revises: c6d7e8f9a0b1
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d6e7f8a9b0"
down_revision = "c6d7e8f9a0b1"
branch_labels = None
depends_on = None

_WHERE = sa.text("status = 'valid'")


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(
            "uq_certificate_one_valid_per_inspection",
            ["inspection_id"],
            unique=True,
            sqlite_where=_WHERE,
            postgresql_where=_WHERE,
        )


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_certificate_one_valid_per_inspection",
            sqlite_where=_WHERE,
            postgresql_where=_WHERE,
        )
