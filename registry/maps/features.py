"""The map's GeoJSON: what lies in a box, in the user's scope, layer by layer."""

from __future__ import annotations

import math
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select

from registry.assets.models import Asset
from registry.auth import policy
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.enforcement.models import RedTag
from registry.extensions import db
from registry.maps.states import TABLE as STATE
from registry.maps.states import states_of
from registry.maps.states import stored_columns
from registry.maps.states import stored_row
from registry.monitoring import alerts as alert_service
from registry.monitoring.models import MonitoringPoint
from registry.receptors.distances import TABLE as DISTANCE
from registry.receptors.schemas import feature as receptor_feature
from registry.receptors.services import near_clause
from registry.receptors.services import receptors_query
from registry.releases.models import OPEN_STATES
from registry.releases.models import Release
from registry.sites.models import Facility

LAYERS = ("facilities", "releases", "points", "receptors")
Box = tuple[float, float, float, float]
WORLD: Box = (-180.0, -90.0, 180.0, 90.0)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_bbox(text: str | None) -> Box:
    """Read `min_lon,min_lat,max_lon,max_lat`; no box means the whole globe; else Invalid."""
    if text is None:
        return WORLD
    # Plain decimals only (as the OpenAPI pattern says): no exponents, spaces, inf or nan.
    texts = text.split(",")
    numeric = len(texts) == 4 and all(_NUMBER.fullmatch(t) for t in texts)
    parts = [float(t) for t in texts] if numeric else []
    ok = numeric and all(math.isfinite(p) for p in parts)
    if ok:
        min_lon, min_lat, max_lon, max_lat = parts
        ok = -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
    if not ok:
        message = N_("Give bbox as min_lon,min_lat,max_lon,max_lat within the globe.")
        raise Invalid(N_("Invalid input."), errors={"bbox": [message]})
    return parts[0], parts[1], parts[2], parts[3]


def parse_layers(text: str | None) -> tuple[str, ...]:
    """Read `layers` (comma-separated); none means every layer; an unknown one is Invalid."""
    if text is None:
        return LAYERS
    given = text.split(",")
    wanted = tuple(dict.fromkeys(given))
    if not all(name in LAYERS for name in given):
        message = N_("Unknown layer: use facilities, releases, points, receptors.")
        raise Invalid(N_("Invalid input."), errors={"layers": [message]})
    return wanted


def _facilities(user: Any, box: Box, *, properties: bool) -> list[Any]:
    """The facilities in the box (in the user's scope) as rows: id and point, and with
    `properties` what the facilities layer shows, stored state included, in one statement."""
    cols: list[Any] = [Facility.id, Facility.longitude, Facility.latitude]
    frm: Any = Facility.__table__
    if properties:
        red = (
            sa.exists()
            .where(RedTag.asset_id == Asset.id, Asset.facility_id == Facility.id)
            .where(RedTag.lifted_at.is_(None))
        )
        releasing = sa.exists().where(
            Release.facility_id == Facility.id, Release.state.in_(OPEN_STATES)
        )
        nearest = (
            select(sa.func.min(DISTANCE.c.metres))
            .where(DISTANCE.c.facility_id == Facility.id)
            .scalar_subquery()
        )
        cols += [
            Facility.name,
            Facility.kind,
            Facility.subdistrict,
            red.label("red_tagged"),
            releasing.label("open_release"),
            nearest.label("nearest_m"),
            near_clause(Facility.id).label("near"),
            *stored_columns(),
        ]
        frm = frm.outerjoin(STATE, STATE.c.facility_id == Facility.id)
    stmt = (
        select(*cols)
        .select_from(frm)
        .where(
            Facility.longitude.between(box[0], box[2]),
            Facility.latitude.between(box[1], box[3]),
        )
    )
    stmt = policy.scope(stmt, user, Facility.organization_id).order_by(Facility.id)
    return list(db.session.execute(stmt))


def _point(facility: Any) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [facility.longitude, facility.latitude]}


def facility_features(facilities: list[Any]) -> list[dict[str, Any]]:
    """Facilities with their state, red tags, open releases and nearness to receptors."""
    # Stored per facility and kept current (registry.maps.states): no engine run per request.
    states = states_of({f.id: stored_row(f) for f in facilities})
    out = []
    for f in facilities:
        properties = {
            "layer": "facilities",
            "id": f.id,
            "name": f.name,
            "kind": f.kind,
            "subdistrict": f.subdistrict,
            "state": states[f.id],
            "red_tagged": bool(f.red_tagged),
            "open_release": bool(f.open_release),
            "near_receptor": bool(f.near),
            "nearest_receptor_m": f.nearest_m,
        }
        out.append(
            {
                "type": "Feature",
                "id": f"facility-{f.id}",
                "geometry": _point(f),
                "properties": properties,
            }
        )
    return out


def release_features(facilities: list[Any]) -> list[dict[str, Any]]:
    """Open releases, drawn at their facility's point."""
    by_id = {f.id: f for f in facilities}
    if not by_id:
        return []
    stmt = (
        select(Release)
        .where(Release.facility_id.in_(list(by_id)), Release.state.in_(OPEN_STATES))
        .order_by(Release.id)
    )
    return [
        {
            "type": "Feature",
            "id": f"release-{r.id}",
            "geometry": _point(by_id[r.facility_id]),
            "properties": {
                "layer": "releases",
                "id": r.id,
                "number": r.number,
                "state": r.state,
                "facility_id": r.facility_id,
            },
        }
        for r in db.session.scalars(stmt)
    ]


def point_features(user: Any, facilities: list[Any]) -> list[dict[str, Any]]:
    """Monitoring points (at their facility's point) with their open alerts."""
    by_id = {f.id: f for f in facilities}
    if not by_id:
        return []
    stmt = select(MonitoringPoint).where(MonitoringPoint.facility_id.in_(list(by_id)))
    points = list(db.session.scalars(stmt.order_by(MonitoringPoint.id)))
    open_alerts: dict[int, int] = {}
    if points:
        # The box's points only: not every series of the user's scope on each pan of the map.
        wanted = {"acknowledged": False, "point_ids": [p.id for p in points]}
        for alert in alert_service.alerts(user, wanted):
            open_alerts[alert.point_id] = open_alerts.get(alert.point_id, 0) + 1
    return [
        {
            "type": "Feature",
            "id": f"point-{p.id}",
            "geometry": _point(by_id[p.facility_id]),
            "properties": {
                "layer": "points",
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "facility_id": p.facility_id,
                "open_alerts": open_alerts.get(p.id, 0),
            },
        }
        for p in points
    ]


def map_features(user: Any, box: Box, layers: tuple[str, ...]) -> dict[str, Any]:
    """The FeatureCollection of the layers within the box, in the user's scope."""
    features: list[dict[str, Any]] = []
    wanted = set(layers) - {"receptors"}
    facilities = _facilities(user, box, properties="facilities" in layers) if wanted else []
    if "facilities" in layers:
        features += facility_features(facilities)
    if "releases" in layers:
        features += release_features(facilities)
    if "points" in layers:
        features += point_features(user, facilities)
    if "receptors" in layers:
        features += [receptor_feature(r) for r in db.session.scalars(receptors_query(box))]
    return {"type": "FeatureCollection", "features": features}
