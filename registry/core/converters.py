"""URL converters."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # id columns are 32-bit INTEGER on PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:...>` limited to what an id column holds: a larger number is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_arg(args: Any, name: str) -> int | None:
    """An id filter from the query string: None when absent; 0 (matching nothing) when it is
    not a number an id column can hold, so that the database never sees text or an overflow."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return 0
    return value if 1 <= value <= MAX_ID else 0
