"""Compliance measures of a period: SOC rates of inspected facilities, return to compliance."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.core.dates import today
from registry.extensions import db
from registry.visits.models import ComplianceInspection
from registry.visits.models import Violation


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _latest_visits(start: date, end: date) -> list[tuple[int, bool, bool]]:
    """(facility, SOC prevention, SOC detection) of each facility's latest visit in the period.

    Self-investigations do not count: the bureau's inspections measure compliance.
    """
    stmt = (
        select(
            ComplianceInspection.facility_id,
            ComplianceInspection.soc_release_prevention,
            ComplianceInspection.soc_release_detection,
        )
        .where(
            ComplianceInspection.kind != "self_investigation",
            ComplianceInspection.performed_on >= start,
            ComplianceInspection.performed_on <= end,
        )
        .order_by(
            ComplianceInspection.facility_id,
            ComplianceInspection.performed_at,
            ComplianceInspection.id,
        )
    )
    latest: dict[int, tuple[int, bool, bool]] = {}
    for fid, prevention, detection in db.session.execute(stmt):
        latest[fid] = (fid, bool(prevention), bool(detection))  # later rows replace earlier
    return list(latest.values())


def _rtc(start: date, end: date, as_of: date) -> tuple[int, float | None]:
    """(open now, % returned on time) of the violations cited in the period.

    On time: corrected (or corrected on site) on or before its due date. Counted are the
    violations corrected, and the open ones past their date; open ones not yet due wait.
    """
    stmt = (
        select(Violation.status, Violation.due_on, Violation.corrected_on)
        .join(ComplianceInspection, ComplianceInspection.id == Violation.compliance_inspection_id)
        .where(ComplianceInspection.performed_on >= start, ComplianceInspection.performed_on <= end)
    )
    open_now = on_time = counted = 0
    for status, due_on, corrected_on in db.session.execute(stmt):
        if status == "open":
            open_now += 1
            if due_on < as_of:
                counted += 1
            continue
        counted += 1
        if corrected_on is not None and corrected_on <= due_on:
            on_time += 1
    return open_now, _pct(on_time, counted)


def violation_measures(start: date, end: date, *, as_of: date | None = None) -> dict[str, Any]:
    """Return the visit measures of a period (inclusive dates), percentages to one decimal."""
    visits = _latest_visits(start, end)
    count = len(visits)
    open_now, on_time = _rtc(start, end, as_of or today())
    return {
        "facilities_inspected": count,
        "soc_release_prevention_pct": _pct(sum(1 for v in visits if v[1]), count),
        "soc_release_detection_pct": _pct(sum(1 for v in visits if v[2]), count),
        "soc_combined_pct": _pct(sum(1 for v in visits if v[1] and v[2]), count),
        "violations_open": open_now,
        "rtc_on_time_pct": on_time,
        "compliance_inspections": db.session.scalar(
            select(func.count(ComplianceInspection.id)).where(
                ComplianceInspection.performed_on >= start,
                ComplianceInspection.performed_on <= end,
            )
        )
        or 0,
    }
