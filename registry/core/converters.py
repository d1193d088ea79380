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
