"""Alerts, computed from the readings when asked (nothing to keep in step):

- `exceedance`: a reading above the screening value of its parameter in its medium;
- `rising_trend`: the readings of one parameter at one point (four or more) rise
  significantly by the Mann–Kendall test (one-sided for an upward trend, α = 0.05), raised
  on the last sample.

Both compare values converted to the point's unit (a series may mix mg/L and µg/L); an
alert's `value` and `unit` are in that unit, `reported_value` and `reported_unit` as reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from flask import current_app
from sqlalchemy import select

from registry.auth import policy
from registry.compliance.due import DueItem
from registry.compliance.due import reminder
from registry.extensions import db
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.models import MonitoringReading
from registry.monitoring.trend import mann_kendall
from registry.monitoring.units import base_unit
from registry.monitoring.units import to_point_unit
from registry.sites.models import Facility


@dataclass(frozen=True)
class Alert:
    kind: str
    facility_id: int
    facility_name: str
    organization_id: int
    subdistrict: str | None
    point_id: int
    point_name: str
    parameter: str
    raised_on: date
    value: float
    unit: str
    reported_value: float
    reported_unit: str
    screening_value: float | None = None
    p_value: float | None = None
    # the reading is the last of its series (a later reading may have come back down)
    latest: bool = True
    # the reading it was raised on: with the kind, the alert's name (`id`)
    reading_id: int = 0
    # its acknowledgement, if someone has looked at it (registry.monitoring.acknowledgements)
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledgement_note: str | None = None

    @property
    def id(self) -> str:
        """The alert's name in URLs and the API: its kind and reading (`exceedance-12`)."""
        return f"{self.kind}-{self.reading_id}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


# Plain columns, not entities: the alert list scans every reading in scope, and building
# ORM objects for each was most of its time.
_COLUMNS = (
    MonitoringReading.point_id,
    MonitoringReading.parameter,
    MonitoringReading.value,
    MonitoringReading.unit,
    MonitoringReading.sampled_on,
    MonitoringPoint.name.label("point_name"),
    MonitoringPoint.kind.label("point_kind"),
    Facility.id.label("facility_id"),
    Facility.name.label("facility_name"),
    Facility.organization_id,
    Facility.subdistrict,
    MonitoringReading.id.label("reading_id"),
)


def _base(user: Any, filters: dict[str, Any]) -> Any:
    stmt: Any = (
        select(*_COLUMNS)
        .join(MonitoringPoint, MonitoringPoint.id == MonitoringReading.point_id)
        .join(Facility, Facility.id == MonitoringPoint.facility_id)
    )
    return scoped_to(stmt, user, filters)


def scoped_to(stmt: Any, user: Any, filters: dict[str, Any]) -> Any:
    """A statement joined to the point's facility, in the user's scope and the filters'."""
    if user is not None:
        stmt = policy.scope(stmt, user, Facility.organization_id)
    for key, column in (
        ("facility_id", Facility.id),
        ("organization_id", Facility.organization_id),
        ("point_id", MonitoringPoint.id),
    ):
        if filters.get(key) is not None:
            stmt = stmt.where(column == filters[key])
    if filters.get("point_ids") is not None:
        stmt = stmt.where(MonitoringPoint.id.in_(filters["point_ids"]))
    return stmt


def _alert(kind: str, row: Any, **kw: Any) -> Alert:
    return Alert(
        kind=kind,
        facility_id=row.facility_id,
        facility_name=row.facility_name,
        organization_id=row.organization_id,
        subdistrict=row.subdistrict,
        point_id=row.point_id,
        point_name=row.point_name,
        parameter=row.parameter,
        raised_on=row.sampled_on,
        value=to_point_unit(row.value, row.unit),
        unit=base_unit(row.unit),
        reported_value=row.value,
        reported_unit=row.unit,
        reading_id=row.reading_id,
        **kw,
    )


def _series(user: Any, filters: dict[str, Any]) -> dict[tuple[int, str], list[Any]]:
    """Return every reading in scope as series (point × parameter) in time order, one query."""
    stmt = _base(user, filters).order_by(
        MonitoringReading.point_id,
        MonitoringReading.parameter,
        MonitoringReading.sampled_on,
        MonitoringReading.id,
    )
    rows = db.session.connection().execute(stmt).all()  # Core rows: no ORM loading step
    return {key: list(group) for key, group in groupby(rows, key=itemgetter(0, 1))}


def _series_alerts(rows: list[Any], limits: dict[str, dict[str, float]], kind: Any) -> list[Alert]:
    """The exceedances of one series, and its rising trend if it has one."""
    out = []
    last = rows[-1]
    limit = limits.get(last.point_kind, {}).get(last.parameter)
    values = [to_point_unit(r.value, r.unit) for r in rows]
    if kind in (None, "exceedance") and limit is not None:
        out += [
            _alert("exceedance", r, screening_value=limit, latest=r is last)
            for r, value in zip(rows, values, strict=True)
            if value > limit
        ]
    if kind in (None, "rising_trend"):
        result = mann_kendall(values, alternative="greater")
        if result.rising:
            out.append(_alert("rising_trend", last, p_value=result.p))
    return out


def alerts(user: Any, filters: dict[str, Any] | None = None) -> list[Alert]:
    """Return the alerts the user may see, newest first; `kind`, `facility_id`, `point_id`,
    `point_ids` filter, and `acknowledged` (True: only those, False: only open ones, None: all)."""
    from registry.monitoring.acknowledgements import acknowledgements

    filters = filters or {}
    limits: dict[str, dict[str, float]] = current_app.config["SCREENING_VALUES"]
    found: list[Alert] = []
    for rows in _series(user, filters).values():
        found += _series_alerts(rows, limits, filters.get("kind"))
    acks = acknowledgements(user, filters) if found else {}
    found = [_with_ack(a, acks.get((a.kind, a.reading_id))) for a in found]
    wanted = filters.get("acknowledged")
    if wanted is not None:
        found = [a for a in found if a.acknowledged == wanted]
    return sorted(found, key=lambda a: (a.raised_on, a.point_id, a.kind), reverse=True)


def _with_ack(alert: Alert, ack: tuple[datetime, str | None, str] | None) -> Alert:
    if ack is None:
        return alert
    at, by, note = ack
    return replace(alert, acknowledged_at=at, acknowledged_by=by, acknowledgement_note=note)


TITLES = {
    "exceedance": (
        "监测超筛选值：{point}（{facility}）{parameter} {value} {unit}",
        "Monitoring above screening value: {point} ({facility}) {parameter} {value} {unit}",
    ),
    "rising_trend": (
        "监测浓度上升趋势：{point}（{facility}）{parameter}",
        "Monitoring shows a rising trend: {point} ({facility}) {parameter}",
    ),
}
PARAMETER_ZH = {
    "tph": "石油烃(C10-C40)",
    "benzene": "苯",
    "toluene": "甲苯",
    "ethylbenzene": "乙苯",
    "xylenes": "二甲苯",
    "mtbe": "甲基叔丁基醚",
}
PARAMETER_EN = {
    "tph": "TPH (C10–C40)",
    "benzene": "benzene",
    "toluene": "toluene",
    "ethylbenzene": "ethylbenzene",
    "xylenes": "xylenes",
    "mtbe": "MTBE",
}


def _titles(a: Alert) -> tuple[str, str]:
    zh, en = TITLES[a.kind]
    args = {
        "point": a.point_name,
        "facility": a.facility_name,
        "value": f"{a.value:g}",
        "unit": a.unit,
    }
    return (
        zh.format(parameter=PARAMETER_ZH[a.parameter], **args),
        en.format(parameter=PARAMETER_EN[a.parameter], **args),
    )


def monitoring_alert_reminders(
    as_of: date, organization_id: int | None = None, window_days: int = 14
) -> Iterable[DueItem]:
    """Yield the alerts of the last year as operators' reminders: act on contamination.

    One reminder per series and kind, due on the day it was raised: an exceedance while the
    latest reading is still above the screening value, a rising trend while the series rises.
    Alerts older than a year are history, no longer a reminder.
    """
    # An acknowledged alert has been looked at: no longer a reminder (a new one is).
    filters = {"organization_id": organization_id, "acknowledged": False}
    latest: dict[tuple[str, int, str], Alert] = {}
    for a in alerts(None, filters):  # newest first: keep one reminder per series and kind
        if a.latest and as_of - timedelta(days=365) <= a.raised_on <= as_of:
            latest.setdefault((a.kind, a.point_id, a.parameter), a)
    for a in latest.values():
        days = (as_of - a.raised_on).days
        due = (a.raised_on, "overdue" if days > 0 else "due_soon", days)
        place = (a.facility_id, a.facility_name, a.subdistrict, a.organization_id)
        extra = {
            "url": f"/monitoring-points/{a.point_id}",
            "point_id": a.point_id,
            "uid_key": f"point-{a.point_id}.{a.parameter}",
        }
        yield reminder(f"monitoring_{a.kind}", _titles(a), place, due, "monitoring_alert", extra)
