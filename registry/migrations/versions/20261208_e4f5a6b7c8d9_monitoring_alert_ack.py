"""Monitoring alerts can be acknowledged with a note: who, when, what is done about it

Revision ID: e4f5a6b7c8d9
Revises: bfe2fc663f7e
Create Date: 2026-12-08 15:00:00

"""
import sqlalchemy as sa
from alembic import op

import registry.core.types

# revision identifiers, used by Alembic.
revision = 'e4f5a6b7c8d9'
down_revision = 'bfe2fc663f7e'
branch_labels = None
depends_on = None


def upgrade():
    # An alert is computed from the readings: it is named by its kind and its reading.
    op.create_table('monitoring_alert_ack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reading_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', registry.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user_account.id'], name=op.f('fk_monitoring_alert_ack_acknowledged_by_id_user_account')),
    sa.ForeignKeyConstraint(['reading_id'], ['monitoring_reading.id'], name=op.f('fk_monitoring_alert_ack_reading_id_monitoring_reading')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_alert_ack')),
    sa.UniqueConstraint('reading_id', 'kind', name=op.f('uq_monitoring_alert_ack_reading_id'))
    )


def downgrade():
    op.drop_table('monitoring_alert_ack')
