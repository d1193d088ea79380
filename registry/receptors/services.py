"""Adding receptors, and how near each facility lies to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask import has_request_context
from flask import request
from sqlalchemy import select

from registry.compliance.rules import active_pack
from registry.extensions import db
from registry.receptors import geometry as geo
from registry.receptors.models import Receptor


def create_receptor(data: dict[str, Any], *, by: Any) -> Receptor:
    """Add a receptor from a validated Feature."""
    box = geo.check(data["geometry"])
    geometry = {"type": data["geometry"]["type"], "coordinates": data["geometry"]["coordinates"]}
    receptor = Receptor(
        kind=data["properties"]["kind"],
        name=data["properties"]["name"],
        geometry=geometry,
        min_lon=box[0],
        min_lat=box[1],
        max_lon=box[2],
        max_lat=box[3],
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(receptor)
    db.session.flush()
    _cache().clear()
    return receptor


def _cache() -> dict[str, Any]:
    # Per request (not flask.g: a test's app context outlives its requests).
    if has_request_context():
        return request.environ.setdefault("registry.receptors", {})  # type: ignore[no-any-return]
    return {}


def receptors_query(box: tuple[float, float, float, float] | None = None) -> Any:
    """Receptors, those whose box meets `box` (min_lon, min_lat, max_lon, max_lat) if given."""
    stmt = select(Receptor).order_by(Receptor.id)
    if box is not None:
        stmt = stmt.where(
            Receptor.max_lon >= box[0],
            Receptor.min_lon <= box[2],
            Receptor.max_lat >= box[1],
            Receptor.min_lat <= box[3],
        )
    return stmt


def all_receptors() -> list[Receptor]:
    """Every receptor, read once per request."""
    cache = _cache()
    if "receptors" not in cache:
        cache["receptors"] = list(db.session.scalars(receptors_query()))
    return cache["receptors"]  # type: ignore[no-any-return]


def near_distance_m(kind: str) -> float:
    """How near a receptor of this kind counts as near: the pack's, else RECEPTOR_DISTANCE_M."""
    rule = active_pack().receptor_distances.get(kind)
    if rule is not None:
        return rule.metres
    return float(current_app.config.get("RECEPTOR_DISTANCE_M", 500))


@dataclass(frozen=True)
class Proximity:
    """The nearest receptor's distance (None without receptors or coordinates), and whether
    any receptor lies within its kind's distance."""

    nearest_m: float | None
    near: bool


def proximity(latitude: float | None, longitude: float | None) -> Proximity:
    """How near a point lies to the receptors."""
    receptors = all_receptors()
    if latitude is None or longitude is None or not receptors:
        return Proximity(None, False)
    nearest: float | None = None
    near = False
    for receptor in receptors:
        metres = geo.distance_m(longitude, latitude, receptor.geometry)
        nearest = metres if nearest is None else min(nearest, metres)
        near = near or metres <= near_distance_m(receptor.kind)
    return Proximity(None if nearest is None else round(nearest, 1), near)


def facility_proximity(facility: Any) -> Proximity:
    """How near a facility lies to the receptors (cached for the request)."""
    cache = _cache().setdefault("proximity", {})
    key = (facility.latitude, facility.longitude)
    if key not in cache:
        cache[key] = proximity(facility.latitude, facility.longitude)
    return cache[key]  # type: ignore[no-any-return]
