"""Corrective action verified by a re-inspection: corrective_action.verified_by_inspection_id

A passing inspection of the same asset that finds the item compliant again verifies the
corrective actions of the findings that item opened; the column records which inspection.

Revision ID: b3c4d5e6f7a8
Revises: b3e5a1c7d9f2
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3c4d5e6f7a8'
down_revision = 'b3e5a1c7d9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_by_inspection_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_corrective_action_verified_by_inspection_id'),
            ['verified_by_inspection_id'],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_corrective_action_verified_by_inspection_id_inspection'),
            'inspection',
            ['verified_by_inspection_id'],
            ['id'],
        )


def downgrade():
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_corrective_action_verified_by_inspection_id_inspection'),
            type_='foreignkey',
        )
        batch_op.drop_index(batch_op.f('ix_corrective_action_verified_by_inspection_id'))
        batch_op.drop_column('verified_by_inspection_id')
