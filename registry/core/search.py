"""Free-text search: user input matched literally (wildcards and control characters included),
and the trigram indexes that answer substring searches on PostgreSQL.

pg_trgm's GIN indexes answer a substring search (`ILIKE '%q%'`) from the index; without one
PostgreSQL reads every row. The operator class is schema-qualified because the app may run with
a search_path that holds only its own schema. SQLite gets a plain index of the same name (it has
no trigram indexes; a plain one keeps the schema the same on both databases).

The GIN indexes are built without fastupdate: its pending list (up to 4 MB of entries not yet
merged) is read whole by every search until a vacuum merges it, which cost 20-50 ms a search
and made the planner prefer sequential scans (migration a7b8c9d0e1f2).
"""

from __future__ import annotations

import re

from sqlalchemy import Index

ESCAPE = "\\"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TRIGRAM_OPS = "public.gin_trgm_ops"


def clean(q: str | None) -> str:
    """The search text without control characters (NUL cannot even be sent to PostgreSQL)."""
    return _CONTROL.sub("", q or "").strip()


def contains(q: str) -> str:
    """A LIKE pattern matching `q` anywhere; `%` and `_` typed by the user match themselves.

    Use with `column.ilike(contains(q), escape=ESCAPE)`.
    """
    text = clean(q)
    for ch in (ESCAPE, "%", "_"):
        text = text.replace(ch, ESCAPE + ch)
    return f"%{text}%"


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
            postgresql_with={"fastupdate": "off"},
        )
        for c in columns
    ]
