"""Acknowledge a monitoring alert with a note: who looked at it, when, and what is done.

An acknowledged alert stays in the alert list (with its note) but no longer counts as open:
not on the dashboard tile, not in the facility's panel, not as a reminder.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.auth import policy
from registry.auth.models import User
from registry.core.errors import N_
from registry.core.errors import Conflict
from registry.core.errors import NotFound
from registry.extensions import db
from registry.monitoring.alerts import Alert
from registry.monitoring.alerts import alerts
from registry.monitoring.alerts import scoped_to
from registry.monitoring.models import AlertAcknowledgement
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.models import MonitoringReading
from registry.sites.models import Facility

NOTE_MAX = 1000
_ALERT_ID = re.compile(r"^(exceedance|rising_trend)-([1-9][0-9]{0,17})$")


def acknowledgements(
    user: Any, filters: dict[str, Any]
) -> dict[tuple[str, int], tuple[datetime, str | None, str]]:
    """The acknowledgements of the alerts in scope: (kind, reading) -> (when, who, note)."""
    stmt: Any = (
        select(
            AlertAcknowledgement.kind,
            AlertAcknowledgement.reading_id,
            AlertAcknowledgement.acknowledged_at,
            User.name,
            User.email,
            AlertAcknowledgement.note,
        )
        .join(MonitoringReading, MonitoringReading.id == AlertAcknowledgement.reading_id)
        .join(MonitoringPoint, MonitoringPoint.id == MonitoringReading.point_id)
        .join(Facility, Facility.id == MonitoringPoint.facility_id)
        .outerjoin(User, User.id == AlertAcknowledgement.acknowledged_by_id)
    )
    stmt = scoped_to(stmt, user, filters)
    return {
        (kind, reading): (at, name or email, note)
        for kind, reading, at, name, email, note in db.session.execute(stmt)
    }


def get_alert(user: Any, alert_id: str) -> Alert:
    """Return the alert named `alert_id` (`exceedance-12`) if the user may see it, else 404."""
    match = _ALERT_ID.match(alert_id or "")
    if match is None:
        raise NotFound(N_("No such alert."))
    kind, reading_id = match.group(1), int(match.group(2))
    stmt = (
        select(MonitoringReading.point_id)
        .join(MonitoringPoint, MonitoringPoint.id == MonitoringReading.point_id)
        .join(Facility, Facility.id == MonitoringPoint.facility_id)
        .where(MonitoringReading.id == reading_id)
    )
    point_id = db.session.scalar(policy.scope(stmt, user, Facility.organization_id))
    if point_id is None:
        raise NotFound(N_("No such alert."))
    for alert in alerts(user, {"point_id": point_id, "kind": kind}):
        if alert.reading_id == reading_id:
            return alert
    raise NotFound(N_("No such alert."))


def acknowledge(alert: Alert, *, note: str, by: Any) -> AlertAcknowledgement:
    """Acknowledge an open alert with a note (audit-logged); an acknowledged one: 409."""
    if alert.acknowledged:
        raise Conflict(N_("This alert has already been acknowledged."))
    ack = AlertAcknowledgement(
        reading_id=alert.reading_id,
        kind=alert.kind,
        note=note,
        acknowledged_by_id=getattr(by, "id", None),
    )
    try:
        with db.session.begin_nested():
            db.session.add(ack)
    except IntegrityError as exc:  # acknowledged at the same moment by someone else
        raise Conflict(N_("This alert has already been acknowledged.")) from exc
    return ack
