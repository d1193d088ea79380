"""Sortable list columns: `?sort=<key>&dir=asc|desc` (or `sort=-key`), whitelisted per list.

Each list names the keys it may be sorted by and the columns behind them; anything else
(an unknown key, a column name, SQL) falls back to the list's own order, never an error. The
order is applied in SQL before the page is cut, with the row's id last, so that rows with
equal values keep one order from page to page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

SORT_ARGS = ("sort", "dir")


@dataclass(frozen=True)
class Sorting:
    """The order a list is shown in: a whitelisted key and a direction."""

    key: str | None
    descending: bool = False
    # Asked for in the URL (else the list's own order, which this describes).
    explicit: bool = False

    @property
    def aria(self) -> str:
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class SortSpec:
    """The keys a list may be sorted by, the columns behind each, and its own order."""

    columns: Mapping[str, tuple[Any, ...]]
    tiebreak: Any
    # The key the list's own order amounts to (shown as sorted), if any.
    default: str | None = None
    default_descending: bool = False

    def read(self, args: Any) -> Sorting:
        """Read `sort` and `dir` from query arguments; an unknown key means the default."""
        raw = str(args.get("sort") or "").strip()
        descending = raw.startswith("-")
        key = raw.lstrip("-")
        if key not in self.columns:
            return Sorting(self.default, self.default_descending)
        direction = str(args.get("dir") or "").lower()
        if direction in ("asc", "desc"):
            descending = direction == "desc"
        return Sorting(key, descending, explicit=True)

    def apply(self, stmt: Select[Any], sorting: Sorting) -> Select[Any]:
        """Order the select by the chosen key (the list's own order when none was asked)."""
        columns = self.columns.get(sorting.key or "")
        if not sorting.explicit or columns is None:
            return stmt
        order: list[Any] = []
        for column in columns:
            ordered = column.desc() if sorting.descending else column.asc()
            # Empty values last in either direction, on SQLite and PostgreSQL alike.
            order.append(ordered.nulls_last())
        order.append(self.tiebreak.desc() if sorting.descending else self.tiebreak.asc())
        return stmt.order_by(None).order_by(*order)


def without_sort(args: Any) -> Any:
    """The query arguments without `sort` and `dir` (for schemas that refuse unknown keys)."""
    copied = args.copy()
    for key in SORT_ARGS:
        copied.pop(key, None)
    return copied
