"""Release numbers `R-2026-0001`: unique and without gaps per year (as certificate numbers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from registry.extensions import db
from registry.releases.models import ReleaseCounter


def _insert_counter(year: int) -> Any:
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(ReleaseCounter)
        .values(year=year, last=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )


def next_number(year: int) -> str:
    """Take the next release number of the year inside the caller's transaction.

    The UPDATE locks the counter row until the transaction ends, so concurrent openers wait
    for each other, and a transaction that rolls back gives its number back: no gaps.
    """
    db.session.execute(_insert_counter(year))
    last = db.session.execute(
        update(ReleaseCounter)
        .where(ReleaseCounter.year == year)
        .values(last=ReleaseCounter.last + 1)
        .returning(ReleaseCounter.last)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return format_number(year, last)


def format_number(year: int, serial: int) -> str:
    """Spell a release number."""
    return f"R-{year}-{serial:04d}"
