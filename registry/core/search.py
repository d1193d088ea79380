"""Free-text search: user input matched literally, wildcards and control characters included."""

from __future__ import annotations

import re

ESCAPE = "\\"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
