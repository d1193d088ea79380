"""Monitoring points and readings: record them (audited), list them, and read series."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry.auth import policy
from registry.core import signals
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.errors import NotFound
from registry.core.signals import announce
from registry.extensions import db
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.models import MonitoringReading
from registry.monitoring.units import base_unit
from registry.monitoring.units import canonical_unit
from registry.monitoring.units import to_point_unit
from registry.sites.models import Facility


def screening_value(kind: str, parameter: str) -> float | None:
    """Return the screening value of a parameter in a medium (None: not set)."""
    values: dict[str, dict[str, float]] = current_app.config["SCREENING_VALUES"]
    return values.get(kind, {}).get(parameter)


def get_point(user: Any, point_id: int) -> MonitoringPoint:
    """Return a monitoring point the user may see, or raise NotFound."""
    stmt = policy.scope(
        select(MonitoringPoint)
        .join(Facility, Facility.id == MonitoringPoint.facility_id)
        .where(MonitoringPoint.id == point_id),
        user,
        Facility.organization_id,
    )
    point = db.session.scalar(stmt)
    if point is None:
        raise NotFound(N_("No such monitoring point."))
    return point


def points_of(facility_id: int) -> list[MonitoringPoint]:
    """Return a facility's monitoring points by name."""
    stmt = (
        select(MonitoringPoint)
        .where(MonitoringPoint.facility_id == facility_id)
        .order_by(MonitoringPoint.name, MonitoringPoint.id)
    )
    return list(db.session.scalars(stmt))


def create_point(facility: Facility, *, created_by: Any, **data: Any) -> MonitoringPoint:
    """Add a monitoring point to a facility."""
    point = MonitoringPoint(
        facility=facility,
        facility_id=facility.id,
        created_by_id=getattr(created_by, "id", None),
        **data,
    )
    db.session.add(point)
    db.session.flush()
    return point


def normalise_unit(point: MonitoringPoint, unit: str) -> str:
    """Return the one spelling of a unit a reading of the point may be in; raise Invalid
    for an unknown unit or one of another medium (µg/m³ in a well)."""
    canonical = canonical_unit(unit)
    if canonical is None or canonical not in point.units:
        units = ", ".join(point.units)
        raise Invalid(
            N_("Invalid input."),
            errors={"unit": [_("Use one of the units of this point: %(units)s.", units=units)]},
        )
    return canonical


def add_reading(point: MonitoringPoint, *, entered_by: Any, **data: Any) -> MonitoringReading:
    """Record a reading of a point with the unit it was reported in (spelled one way)."""
    unit = normalise_unit(point, data.pop("unit"))
    reading = MonitoringReading(
        point=point,
        point_id=point.id,
        unit=unit,
        entered_by_id=getattr(entered_by, "id", None),
        **data,
    )
    db.session.add(reading)
    db.session.flush()
    announce(signals.reading_added, reading=reading, entered_by=entered_by)
    return reading


def readings_of(point_id: int, parameter: str | None = None) -> list[MonitoringReading]:
    """Return a point's readings in time order (of one parameter, or all)."""
    stmt = select(MonitoringReading).where(MonitoringReading.point_id == point_id)
    if parameter:
        stmt = stmt.where(MonitoringReading.parameter == parameter)
    stmt = stmt.order_by(
        MonitoringReading.parameter, MonitoringReading.sampled_on, MonitoringReading.id
    )
    return list(db.session.scalars(stmt))


def series_of(point_id: int) -> dict[str, list[MonitoringReading]]:
    """Return a point's readings grouped by parameter, each in time order."""
    out: dict[str, list[MonitoringReading]] = {}
    for reading in readings_of(point_id):
        out.setdefault(reading.parameter, []).append(reading)
    return out


READING_COLUMNS = (
    "point_id",
    "point_name",
    "point_kind",
    "parameter",
    "sampled_on",
    "value",
    "unit",
    "converted_value",
    "converted_unit",
    "screening_value",
    "above_screening_value",
)


def reading_rows(facility_id: int) -> Iterator[list[Any]]:
    """Yield export rows of a facility's readings: as reported, then in the point's unit."""
    stmt = (
        select(
            MonitoringPoint.id,
            MonitoringPoint.name,
            MonitoringPoint.kind,
            MonitoringReading.parameter,
            MonitoringReading.sampled_on,
            MonitoringReading.value,
            MonitoringReading.unit,
        )
        .join(MonitoringPoint, MonitoringPoint.id == MonitoringReading.point_id)
        .where(MonitoringPoint.facility_id == facility_id)
        .order_by(
            MonitoringPoint.name,
            MonitoringPoint.id,
            MonitoringReading.parameter,
            MonitoringReading.sampled_on,
            MonitoringReading.id,
        )
    )
    for point_id, name, kind, parameter, sampled_on, value, unit in db.session.execute(stmt):
        converted = to_point_unit(value, unit)
        limit = screening_value(kind, parameter)
        above = None if limit is None else converted > limit
        yield [
            *(point_id, name, kind, parameter, sampled_on.isoformat(), value, unit),
            *(converted, base_unit(unit), limit, above),
        ]
