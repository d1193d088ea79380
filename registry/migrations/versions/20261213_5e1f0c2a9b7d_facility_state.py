"""Each facility's compliance state as the dates it turns, kept current for the map

Revision ID: 5e1f0c2a9b7d
Revises: 0292ff63e797
Create Date: 2026-12-07 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '0292ff63e797'
branch_labels = None
depends_on = None


def upgrade():
    # Empty: until `ust-registry map refresh` fills it (or a write touches a facility), the
    # map computes the states of the facilities without a row with the engine, as before.
    op.create_table('facility_state',
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('overdue_on', sa.Date(), nullable=True),
    sa.Column('no_record_until', sa.Date(), nullable=True),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_facility_state_facility_id_facility'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('facility_id', name=op.f('pk_facility_state'))
    )


def downgrade():
    op.drop_table('facility_state')
