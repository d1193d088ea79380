"""Take in other domains' events: a passed inspection or an accepted filing records activities."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.assets.models import Asset
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import active_pack
from registry.compliance.services import activities_for_asset
from registry.core import signals
from registry.extensions import db

FILING_ACTIVITY = "basic_information_report"


def _performer(performed_by: Any) -> tuple[str | None, int | None]:
    if performed_by is None or isinstance(performed_by, str):
        return performed_by, None
    name = getattr(performed_by, "name", None) or getattr(performed_by, "email", None)
    return (str(name) if name else None), getattr(performed_by, "id", None)


def on_inspection_passed(
    sender: Any,
    *,
    inspection: Any,
    activities: list[str],
    performed_on: date,
    performed_by: Any = None,
    **_: Any,
) -> list[ActivityRecord]:
    """Record a passing activity for each activity code a passed inspection covers."""
    asset_id = getattr(inspection, "asset_id", None)
    asset = db.session.get(Asset, asset_id) if asset_id else None
    if asset is None:
        return []
    allowed = {a.code for a in activities_for_asset(asset)}
    name, user_id = _performer(performed_by)
    made = []
    for code in dict.fromkeys(activities):
        if code not in allowed:
            continue
        record = ActivityRecord(
            asset_id=asset.id,
            facility_id=asset.facility_id,
            activity=code,
            performed_on=performed_on,
            result="pass",
            performed_by=name,
            notes=f"inspection {getattr(inspection, 'id', '')}".strip(),
            recorded_by_id=user_id,
        )
        db.session.add(record)
        made.append(record)
    db.session.flush()
    return made


def on_filing_accepted(
    sender: Any, *, filing: Any, facility_id: int, accepted_on: date, **_: Any
) -> ActivityRecord | None:
    """Record the basic-information report of a facility when the bureau accepts its filing."""
    if FILING_ACTIVITY not in active_pack().activities:
        return None
    record = ActivityRecord(
        asset_id=None,
        facility_id=facility_id,
        activity=FILING_ACTIVITY,
        performed_on=accepted_on,
        result="pass",
        notes=f"filing {getattr(filing, 'id', '')}".strip(),
    )
    db.session.add(record)
    db.session.flush()
    return record


def connect() -> None:
    """Subscribe the handlers (idempotent: blinker keeps one connection per receiver)."""
    signals.inspection_passed.connect(on_inspection_passed, weak=False)
    signals.filing_accepted.connect(on_filing_accepted, weak=False)
