"""Adding receptors, and how near each facility lies to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import ColumnElement
from sqlalchemy import bindparam
from sqlalchemy import select

from registry.compliance.rules import active_pack
from registry.extensions import db
from registry.receptors import distances
from registry.receptors import geometry as geo
from registry.receptors.models import Receptor
from registry.receptors.models import ReceptorDistance

DISTANCE = distances.TABLE


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
    distances.add_receptor(db.session, receptor)
    return receptor


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


def near_distance_m(kind: str) -> float:
    """How near a receptor of this kind counts as near: the pack's, else RECEPTOR_DISTANCE_M."""
    rule = active_pack().receptor_distances.get(kind)
    if rule is not None:
        return rule.metres
    return float(current_app.config.get("RECEPTOR_DISTANCE_M", 500))


def near_clause(facility_id: Any, kinds: Iterable[str] | None = None) -> ColumnElement[bool]:
    """SQL twin of `Proximity.near`: the facility lies within its kind's distance of a receptor
    (of one of `kinds`, or of any), read from the stored distances. One CASE on the kind rather
    than an OR of a test per kind: half the cost a facility on the map's box."""
    default = float(current_app.config.get("RECEPTOR_DISTANCE_M", 500))
    metres = {kind: rule.metres for kind, rule in active_pack().receptor_distances.items()}
    limit = (
        sa.case(*[(DISTANCE.c.kind == k, m) for k, m in metres.items()], else_=default)
        if metres
        else sa.literal(default)
    )
    where = [DISTANCE.c.facility_id == facility_id, DISTANCE.c.metres <= limit]
    if kinds is not None:
        where.append(DISTANCE.c.kind.in_(list(kinds)))
    return sa.exists().where(*where)


@dataclass(frozen=True)
class Proximity:
    """The nearest receptor's distance (None without receptors or coordinates), and whether
    any receptor lies within its kind's distance."""

    nearest_m: float | None
    near: bool


def proximities(facility_ids: Iterable[int]) -> dict[int, Proximity]:
    """How near each of these facilities lies to the receptors (one query)."""
    ids = list(dict.fromkeys(facility_ids))
    found: dict[int, list[tuple[str, float]]] = {i: [] for i in ids}
    # Plain rows, not objects: a whole city on the map is some 10,000 of them.
    stmt = select(DISTANCE.c.facility_id, DISTANCE.c.kind, DISTANCE.c.metres).where(
        DISTANCE.c.facility_id.in_(bindparam("ids", expanding=True))
    )
    conn = db.session.connection()
    for start in range(0, len(ids), 1000):
        for fid, kind, metres in conn.execute(stmt, {"ids": ids[start : start + 1000]}):
            found[fid].append((kind, metres))
    limits: dict[str, float] = {}
    out = {}
    for fid, rows in found.items():
        if not rows:
            out[fid] = Proximity(None, False)
            continue
        for kind, _ in rows:
            if kind not in limits:
                limits[kind] = near_distance_m(kind)
        near = any(metres <= limits[kind] for kind, metres in rows)
        out[fid] = Proximity(min(metres for _, metres in rows), near)
    return out


def near_kinds(facility_id: int) -> list[str]:
    """The receptor kinds a facility lies near (what rule-pack conditions test)."""
    stmt = select(ReceptorDistance).where(ReceptorDistance.facility_id == facility_id)
    return sorted(r.kind for r in db.session.scalars(stmt) if r.metres <= near_distance_m(r.kind))


def preload_proximity(facility_ids: Iterable[int]) -> None:
    """Read the nearness of many facilities at once, for the request."""
    cache = distances.request_cache().setdefault("proximity", {})
    missing = [i for i in facility_ids if i is not None and i not in cache]
    if missing:
        cache.update(proximities(missing))


def facility_proximity(facility: Any) -> Proximity:
    """How near a facility lies to the receptors (cached for the request)."""
    if facility.id is None:
        return Proximity(None, False)
    preload_proximity([facility.id])
    return distances.request_cache()["proximity"][facility.id]  # type: ignore[no-any-return]
