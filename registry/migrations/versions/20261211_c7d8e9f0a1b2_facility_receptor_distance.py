"""The distance from each facility to its nearest receptor of each kind, measured once

Revision ID: c7d8e9f0a1b2
Revises: a1b2c3d4e5f7
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d8e9f0a1b2'
down_revision = 'a1b2c3d4e5f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('facility_receptor_distance',
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('metres', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_facility_receptor_distance_facility_id_facility'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('facility_id', 'kind', name=op.f('pk_facility_receptor_distance'))
    )
    # Facilities placed before this table existed are measured against the receptors there are.
    from registry.receptors.distances import refresh_all
    from sqlalchemy.orm import Session

    with Session(bind=op.get_bind()) as session:
        refresh_all(session)


def downgrade():
    op.drop_table('facility_receptor_distance')
