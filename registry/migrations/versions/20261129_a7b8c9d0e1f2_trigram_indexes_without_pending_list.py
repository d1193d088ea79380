"""Trigram indexes without a pending list (GIN fastupdate off, PostgreSQL only)

With fastupdate on, new entries wait in a pending list of up to 4 MB (gin_pending_list_limit)
until a vacuum or the next overflow merges them, and every search reads that list from end to
end: 20-50 ms a search on the 100k bench registry, and the planner, counting those pages,
then preferred sequential scans. A registry is searched far more often than it is written.

Revision ID: a7b8c9d0e1f2
Revises: d5e6f7a8b9c0
Create Date: 2026-11-29 09:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'd5e6f7a8b9c0'
branch_labels = None
depends_on = None

# Frozen here (not imported) so that a later change to the models cannot rewrite history.
INDEXES = (
    "ix_asset_operator_ref_trgm",
    "ix_asset_tag_trgm",
    "ix_facility_name_trgm",
    "ix_facility_address_trgm",
    "ix_organization_name_trgm",
    "ix_organization_credit_code_trgm",
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # plain indexes elsewhere: nothing to change
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        # The setting stops new entries from queueing; this merges those already queued.
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (fastupdate)")
