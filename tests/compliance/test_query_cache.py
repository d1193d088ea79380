"""One built statement serves every asset of a day: the scope travels as bound parameters."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.compliance.services import due_items_for_asset


def _patrol(asset_id: int, as_of: date) -> Any:
    items = due_items_for_asset(asset_id, as_of)
    assert items and {i.asset_id for i in items} == {asset_id}
    return next(i for i in items if i.obligation == "patrol")


def test_each_asset_gets_its_own_items_from_one_statement(
    app: Any, make_asset: Any, record: Any
) -> None:
    old = make_asset(installed_on=date(2024, 1, 31))
    new = make_asset(installed_on=date(2026, 11, 10))
    record(new, "patrol", "2026-11-15")
    # The app is shared with earlier tests, and each commit above stored its facility's state
    # (registry.maps.states) with a statement of its own.
    app.extensions["compliance_queries"] = {}
    as_of = date(2026, 11, 20)
    first, second = _patrol(old.id, as_of), _patrol(new.id, as_of)
    assert (first.due_on, first.last_done_on, first.state) == (date(2024, 3, 1), None, "overdue")
    assert (second.due_on, second.last_done_on, second.state) == (
        date(2026, 12, 15),
        date(2026, 11, 15),
        "ok",
    )
    assert len(app.extensions["compliance_queries"]) == 1  # both assets, one statement
    # Another day is another statement, with that day's answer.
    assert _patrol(new.id, date(2026, 12, 20)).state == "overdue"
