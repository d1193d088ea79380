"""Activity records carry a version: corrections of one record by two people answer 409

Revision ID: d1e2f3a4b5c6
Revises: d7e8f9a0b1c2
Create Date: 2026-12-07 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1e2f3a4b5c6"
down_revision = "d7e8f9a0b1c2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activity_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("activity_record", schema=None) as batch_op:
        batch_op.drop_column("version")
