"""Password reset links: single-use, expiring, stored as SHA-256

Revision ID: d7e8f9a0b1c2
Revises: c5d6e7f8a9b0
Create Date: 2026-12-08 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import registry.core.types

# revision identifiers, used by Alembic.
revision = 'd7e8f9a0b1c2'
down_revision = 'c5d6e7f8a9b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', registry.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', registry.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', registry.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_reset_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))
    op.drop_table('password_reset')
