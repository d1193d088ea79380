"""monitoring points and readings

Revision ID: 6c1d2e3f4a5b
Revises: 418afcadd759
Create Date: 2026-11-29 04:45:00

"""
from alembic import op
import sqlalchemy as sa

import registry.core.types


# revision identifiers, used by Alembic.
revision = '6c1d2e3f4a5b'
down_revision = '418afcadd759'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('monitoring_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', registry.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_monitoring_point_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_monitoring_point_facility_id_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_point'))
    )
    with op.batch_alter_table('monitoring_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_point_facility_id'), ['facility_id'], unique=False)

    op.create_table('monitoring_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('parameter', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('sampled_on', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', registry.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_monitoring_reading_entered_by_id_user_account')),
    sa.ForeignKeyConstraint(['point_id'], ['monitoring_point.id'], name=op.f('fk_monitoring_reading_point_id_monitoring_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_reading'))
    )
    with op.batch_alter_table('monitoring_reading', schema=None) as batch_op:
        batch_op.create_index('ix_monitoring_reading_series', ['point_id', 'parameter', 'sampled_on'], unique=False)


def downgrade():
    with op.batch_alter_table('monitoring_reading', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_reading_series')
    op.drop_table('monitoring_reading')
    with op.batch_alter_table('monitoring_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_point_facility_id'))
    op.drop_table('monitoring_point')
