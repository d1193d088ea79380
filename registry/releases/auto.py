"""Releases that open by themselves: a failed release-detection record, or a monitoring alert.

Both run inside the transaction that files the record or the reading. When a release is open
at the facility already (suspected or confirmed), the new evidence joins it instead.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from typing import Any

from sqlalchemy import select

from registry.compliance.models import ActivityRecord
from registry.core import signals
from registry.core.dates import local_zone
from registry.core.dates import today
from registry.core.types import utcnow
from registry.extensions import db
from registry.monitoring.alerts import alerts
from registry.monitoring.models import MonitoringReading
from registry.releases import clocks
from registry.releases import services
from registry.releases.models import Release
from registry.sites.models import Facility

ALERT_KINDS = ("exceedance", "rising_trend")


def _lock_facility(facility_id: int) -> Facility:
    """Lock the facility's row (PostgreSQL) so that two detections at once open one release."""
    stmt = select(Facility).where(Facility.id == facility_id).with_for_update()
    facility = db.session.scalar(stmt)
    assert facility is not None  # the record or reading was just filed against it
    return facility


def discovery_moment(day: date) -> datetime:
    """The moment a finding dated `day` counts from: now when it is today, else the start of
    that day in the district (the earliest it can have been known; the clocks stay strict)."""
    if day >= today():
        return utcnow()
    return datetime.combine(day, time(0), tzinfo=local_zone())


def open_or_join(
    facility_id: int,
    *,
    source: str,
    discovered_at: datetime,
    description: str,
    asset_id: int | None,
    evidence: dict[str, Any],
    by: Any = None,
) -> Release:
    """Join the facility's open release with this evidence, or open a suspected one."""
    facility = _lock_facility(facility_id)
    release = services.open_release_at(facility_id)
    if release is None:
        data = {
            "discovered_at": min(discovered_at, utcnow()),
            "description": description,
            "source": source,
            "asset_id": asset_id,
        }
        release = services.open_release(facility, data, opened_by=by)
    elif asset_id is not None and asset_id not in (release.affected_asset_ids or []):
        release.affected_asset_ids = [*(release.affected_asset_ids or []), asset_id]
    if not _has(release, evidence):
        services.add_evidence(release, by=by, **evidence)
    return release


def _has(release: Release, evidence: dict[str, Any]) -> bool:
    keys = ("kind", "record_id", "reading_id", "alert_kind")
    return any(all(getattr(e, k) == evidence.get(k) for k in keys) for e in release.evidence)


def on_record_filed(sender: Any, record: ActivityRecord, recorded_by: Any = None) -> None:
    """A failed record of a release-detection activity opens (or joins) a suspected release."""
    if (
        record.result != "fail"
        or record.activity not in clocks.release_rules().detection_activities
    ):
        return
    open_or_join(
        record.facility_id,
        source="detection_record",
        discovered_at=discovery_moment(record.performed_on),
        description=f"{record.activity}: fail" + (f" — {record.notes}" if record.notes else ""),
        asset_id=record.asset_id,
        evidence={"kind": "activity_record", "record_id": record.id},
        by=recorded_by,
    )


def on_reading_added(sender: Any, reading: MonitoringReading, entered_by: Any = None) -> None:
    """An exceedance or rising trend raised by a new reading opens (or joins) a release.

    Counted from when the reading is entered: a laboratory result is known when it arrives.
    """
    point = reading.point
    raised = [
        a
        for a in alerts(None, {"point_id": reading.point_id})
        if a.parameter == reading.parameter
        and a.raised_on == reading.sampled_on
        and a.kind in ALERT_KINDS
    ]
    for alert in raised:
        open_or_join(
            point.facility_id,
            source="monitoring_alert",
            discovered_at=utcnow(),
            description=(
                f"{alert.kind}: {point.name} {alert.parameter} {alert.value:g} {alert.unit}"
            ),
            asset_id=None,
            evidence={"kind": "alert", "reading_id": reading.id, "alert_kind": alert.kind},
            by=entered_by,
        )


def connect() -> None:
    """Listen to the records and readings other domains file."""
    signals.record_filed.connect(on_record_filed, weak=False)
    signals.reading_added.connect(on_reading_added, weak=False)
