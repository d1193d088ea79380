"""trigram search indexes (GIN pg_trgm on PostgreSQL, plain elsewhere)

Revision ID: c4d9e2f1a7b3
Revises: 6c1d2e3f4a5b
Create Date: 2026-11-29 04:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d9e2f1a7b3'
down_revision = '6c1d2e3f4a5b'
branch_labels = None
depends_on = None

# Frozen here (not imported) so that a later change to the models cannot rewrite history.
COLUMNS = {
    "asset": ("operator_ref", "tag"),
    "facility": ("name", "address"),
    "organization": ("name", "credit_code"),
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Trusted since PostgreSQL 13: a database owner may create it. Shared by every schema.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    for table, columns in COLUMNS.items():
        for column in columns:
            op.create_index(
                f"ix_{table}_{column}_trgm",
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "public.gin_trgm_ops"},
            )


def downgrade():
    # The extension stays: other schemas of the database may use it.
    for table, columns in COLUMNS.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
