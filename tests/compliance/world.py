"""Rows of the compliance domain in the `world` fixture."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.compliance.models import ActivityRecord
from registry.extensions import db


def extend(world: dict[str, Any]) -> None:
    """Add `record_b`: a failed patrol of tank B (failed: it satisfies no obligation)."""
    # At organization B: the tests of A's tank and facility count their records from none.
    tank = world["tank_b"]
    record = ActivityRecord(
        asset_id=tank.id,
        facility_id=tank.facility_id,
        activity="patrol",
        performed_on=date(2020, 2, 3),
        result="fail",
        notes="人孔井积水",
    )
    db.session.add(record)
    db.session.commit()
    world["record_b"] = record
