"""audit_event append-only: triggers refuse UPDATE and DELETE

Written by hand (autogenerate does not see triggers); keep it when squashing migrations.

Revision ID: b7e3c1a9d2f4
Revises: f25830036cd2
Create Date: 2026-11-28 15:20:00

"""
from alembic import op

from registry.audit import guard


# revision identifiers, used by Alembic.
revision = 'b7e3c1a9d2f4'
down_revision = 'f25830036cd2'
branch_labels = None
depends_on = None


def upgrade():
    guard.install(op.get_bind())


def downgrade():
    guard.remove(op.get_bind())
