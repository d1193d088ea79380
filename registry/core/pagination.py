"""Offset and keyset pagination with a (possibly capped) total, for the HTML lists.

At national scale a COUNT(*) over the whole list and a large OFFSET are what make a list slow:
`count_cap` counts at most that many rows (the pager then says "10,000+"), and `after` (the
last id of the previous page) continues a list ordered by id without an offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

from sqlalchemy import CompoundSelect
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from registry.extensions import db

T = TypeVar("T")

# The HTML lists count this many rows at most: "more than 10,000" is as useful as the exact figure.
LIST_COUNT_CAP = 10_000


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    # The total is a lower bound: there are more than `total` rows.
    total_capped: bool = False
    # The id to pass as `after=` for the next page (keyset lists only).
    next_after: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        if self.total_capped:
            return len(self.items) == self.page_size
        return self.page < self.pages


def _count(stmt: Select[Any] | CompoundSelect, cap: int | None) -> tuple[int, bool]:
    counted = stmt.order_by(None)
    if cap is not None:
        counted = counted.limit(cap + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if cap is not None and total > cap:
        return cap, True
    return total, False


def paginate(
    stmt: Select[Any],
    *,
    page: int,
    page_size: int,
    scalars: bool = True,
    count_cap: int | None = None,
    after: tuple[Any, int | None] | None = None,
    counted: Select[Any] | CompoundSelect | None = None,
    when_capped: Select[Any] | None = None,
) -> Page[Any]:
    """Run one page of a select, with the total count of rows (up to count_cap).

    `after` is (id column, last id seen or None): the select must be ordered by that column;
    given an id, the page starts after it instead of at an offset. `counted` is a select of
    the same rows that is cheaper to count, and `when_capped` one of the same rows in the same
    order to page with when there are more rows than the cap: with that many matches, walking
    an index in order finds a page sooner than sorting every match.
    """
    page_size = max(1, min(100, page_size))
    # Past the last page the list is empty; the clamp keeps a huge page number from overflowing.
    page = max(1, min(page, 2**31 // page_size))
    total, capped = _count(stmt if counted is None else counted, count_cap)
    if capped and when_capped is not None:
        stmt = when_capped
    if after is not None and after[1] is not None:
        paged = stmt.where(after[0] > after[1]).limit(page_size)
    else:
        paged = stmt.limit(page_size).offset((page - 1) * page_size)
    rows: list[Any]
    if scalars:
        rows = list(db.session.scalars(paged))
    else:
        result: Any = db.session.execute(paged)
        rows = list(result)
    result_page = Page(items=rows, total=total, page=page, page_size=page_size, total_capped=capped)
    if after is not None and rows and (capped or page < result_page.pages):
        result_page.next_after = rows[-1].id
    return result_page


def page_args(args: Any, default_size: int = 25) -> tuple[int, int]:
    """Read `page` and `page_size` from query arguments, forgiving bad values."""

    def _int(name: str, default: int) -> int:
        try:
            return int(args.get(name, default))
        except (TypeError, ValueError):
            return default

    return max(1, _int("page", 1)), max(1, min(100, _int("page_size", default_size)))


def after_arg(args: Any) -> int | None:
    """Read the `after` cursor (the last id of the previous page), ignoring bad values."""
    try:
        value = int(args.get("after", ""))
    except (TypeError, ValueError):
        return None
    return value if 0 <= value < 2**63 else None
