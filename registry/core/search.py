"""Trigram indexes for substring search (`ILIKE '%q%'`) on PostgreSQL.

pg_trgm's GIN indexes answer a substring search from the index; without one PostgreSQL reads
every row. The operator class is schema-qualified because the app may run with a search_path
that holds only its own schema. SQLite gets a plain index of the same name (it has no
trigram indexes; a plain one keeps the schema the same on both databases).
"""

from __future__ import annotations

from sqlalchemy import Index

TRIGRAM_OPS = "public.gin_trgm_ops"


def trigram_index_name(table: str, column: str) -> str:
    """The name of the trigram index of a column."""
    return f"ix_{table}_{column}_trgm"


def trigram_indexes(table: str, *columns: str) -> list[Index]:
    """One GIN trigram index per column (a plain index on other databases)."""
    return [
        Index(
            trigram_index_name(table, c),
            c,
            postgresql_using="gin",
            postgresql_ops={c: TRIGRAM_OPS},
        )
        for c in columns
    ]
