"""Offset pagination with a total, for the HTML lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from registry.extensions import db

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select[Any], *, page: int, page_size: int, scalars: bool = True) -> Page[Any]:
    """Run one page of a select, with the total count of rows."""
    page_size = max(1, min(100, page_size))
    # Past the last page the list is empty; the clamp keeps a huge page number from overflowing.
    page = max(1, min(page, 2**31 // page_size))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    paged = stmt.limit(page_size).offset((page - 1) * page_size)
    rows: list[Any]
    if scalars:
        rows = list(db.session.scalars(paged))
    else:
        result: Any = db.session.execute(paged)
        rows = list(result)
    return Page(items=rows, total=total, page=page, page_size=page_size)


def page_args(args: Any, default_size: int = 25) -> tuple[int, int]:
    """Read `page` and `page_size` from query arguments, forgiving bad values."""

    def _int(name: str, default: int) -> int:
        try:
            return int(args.get(name, default))
        except (TypeError, ValueError):
            return default

    return max(1, _int("page", 1)), max(1, min(100, _int("page_size", default_size)))
