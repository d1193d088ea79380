"""Receptors (GeoJSON geometries with a kind), and an index on facility coordinates for the map

Revision ID: a1b2c3d4e5f7
Revises: e1f2a3b4c5d6
Create Date: 2026-12-07 15:45:00

"""
from alembic import op
import sqlalchemy as sa

import registry.core.types


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f7'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receptor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('geometry', sa.JSON(), nullable=False),
    sa.Column('min_lon', sa.Float(), nullable=False),
    sa.Column('min_lat', sa.Float(), nullable=False),
    sa.Column('max_lon', sa.Float(), nullable=False),
    sa.Column('max_lat', sa.Float(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', registry.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_receptor_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receptor'))
    )
    with op.batch_alter_table('receptor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receptor_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_receptor_bbox', ['min_lon', 'max_lon', 'min_lat', 'max_lat'], unique=False)
    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.create_index('ix_facility_lon_lat', ['longitude', 'latitude'], unique=False)


def downgrade():
    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.drop_index('ix_facility_lon_lat')
    with op.batch_alter_table('receptor', schema=None) as batch_op:
        batch_op.drop_index('ix_receptor_bbox')
        batch_op.drop_index(batch_op.f('ix_receptor_kind'))
    op.drop_table('receptor')
