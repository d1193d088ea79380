"""Fixtures of the compliance tests: packs, records, registration dates, due dates by code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from registry.assets.models import Asset
from registry.compliance import engine
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import load_pack
from registry.extensions import db as _db
from registry.sites.models import Facility

FAR = 365 * 100


@pytest.fixture
def record(db: Any) -> Callable[..., Any]:
    """Add an activity record straight to the table: record(target, "patrol", "2026-01-31")."""

    def add(target: Any, activity: str, on: str, result: str = "pass") -> Any:
        is_facility = isinstance(target, Facility)
        row = ActivityRecord(
            asset_id=None if is_facility else target.id,
            facility_id=target.id if is_facility else target.facility_id,
            activity=activity,
            performed_on=date.fromisoformat(on),
            result=result,
        )
        _db.session.add(row)
        _db.session.commit()
        return row

    return add


@pytest.fixture
def registered(db: Any) -> Callable[[Any, str], None]:
    """Set the registration date of a facility or an asset (the day its obligations count from)."""

    def set_(row: Any, on: str) -> None:
        model = Facility if isinstance(row, Facility) else Asset
        _db.session.execute(
            sa.update(model).where(model.id == row.id).values(registered_on=date.fromisoformat(on))
        )
        _db.session.commit()

    return set_


@pytest.fixture
def due_on(db: Any) -> Callable[..., dict[str, date]]:
    """Return {obligation: due date} of one asset or facility under a pack (every state)."""

    def compute(pack: str, *, asset: Any = None, facility: Any = None, as_of: str = "2026-11-20"):  # type: ignore[no-untyped-def]
        scope = engine.Scope(
            asset_id=asset.id if asset is not None else None,
            facility_id=facility.id if facility is not None else None,
            obligations=None,
        )
        items = engine.compute(
            load_pack(pack),
            as_of=date.fromisoformat(as_of),
            window_days=14,
            horizon_days=FAR,
            scope=scope,
        )
        if facility is not None:
            items = [i for i in items if i.asset_id is None]
        return {i.obligation: i.due_on for i in items}

    return compute
