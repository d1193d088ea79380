"""An operator's reference is unique at its facility

Revision ID: d5e6f7a8b9c0
Revises: c4d9e2f1a7b3
Create Date: 2026-11-29 05:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5e6f7a8b9c0'
down_revision = 'c4d9e2f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index('ix_asset_facility_ref')
        batch_op.create_index('ix_asset_facility_ref', ['facility_id', 'operator_ref'], unique=True)


def downgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index('ix_asset_facility_ref')
        batch_op.create_index('ix_asset_facility_ref', ['facility_id', 'operator_ref'], unique=False)
