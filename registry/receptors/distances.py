"""The stored distance from each facility to its nearest receptor of each kind.

A facility's rows are measured again whenever its coordinates change (in the same flush, so
every way of saving a facility keeps them true); a new receptor lowers the rows it is nearer
than. `refresh_all` measures everything again (`ust-registry receptors refresh`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from itertools import chain
from typing import Any
from typing import cast

import sqlalchemy as sa
from flask import has_request_context
from flask import request
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from registry.receptors import geometry as geo
from registry.receptors.models import Receptor
from registry.receptors.models import ReceptorDistance
from registry.sites.models import Facility

TABLE = cast(sa.Table, ReceptorDistance.__table__)
_BATCH = 2000


def request_cache() -> dict[str, Any]:
    """What this request has read of receptors and distances (dropped when they change)."""
    # Per request (not flask.g: a test's app context outlives its requests).
    if has_request_context():
        return request.environ.setdefault("registry.receptors", {})  # type: ignore[no-any-return]
    return {}


def nearest_by_kind(
    lon: float, lat: float, receptors: Iterable[tuple[str, dict[str, Any]]]
) -> dict[str, float]:
    """The distance to the nearest receptor of each kind, from (kind, geometry) pairs."""
    out: dict[str, float] = {}
    for kind, geometry in receptors:
        metres = round(geo.distance_m(lon, lat, geometry), 1)
        if kind not in out or metres < out[kind]:
            out[kind] = metres
    return out


def _receptors(conn: Any) -> list[tuple[str, dict[str, Any]]]:
    rows = conn.execute(sa.select(Receptor.kind, Receptor.geometry).order_by(Receptor.id))
    return [(r.kind, r.geometry) for r in rows]


def _measure(conn: Any, points: list[tuple[int, float | None, float | None]]) -> None:
    """Replace the rows of these facilities (id, lon, lat) with fresh measurements."""
    if not points:
        return
    conn.execute(TABLE.delete().where(TABLE.c.facility_id.in_([p[0] for p in points])))
    receptors = _receptors(conn)
    rows = [
        {"facility_id": fid, "kind": kind, "metres": metres}
        for fid, lon, lat in points
        if lon is not None and lat is not None
        for kind, metres in nearest_by_kind(lon, lat, receptors).items()
    ]
    if rows:
        conn.execute(TABLE.insert(), rows)


def _moved(facility: Facility) -> bool:
    state = inspect(facility)
    return bool(
        state.attrs.latitude.history.has_changes() or state.attrs.longitude.history.has_changes()
    )


@event.listens_for(Session, "after_flush")
def _remeasure_moved(session: Session, flush_context: Any) -> None:
    moved = [
        f
        for f in chain(session.new, session.dirty)
        if isinstance(f, Facility) and (f in session.new or _moved(f))
    ]
    if moved:
        # Core statements on the flush's own connection: same transaction, no nested flush.
        _measure(session.connection(), [(f.id, f.longitude, f.latitude) for f in moved])
        request_cache().pop("proximity", None)


def add_receptor(session: Any, receptor: Receptor) -> int:
    """Lower the rows of every facility this new receptor is nearer to; return how many."""
    conn = session.connection()
    known = {
        r.facility_id: r.metres
        for r in conn.execute(
            sa.select(TABLE.c.facility_id, TABLE.c.metres).where(TABLE.c.kind == receptor.kind)
        )
    }
    located = sa.select(Facility.id, Facility.longitude, Facility.latitude).where(
        Facility.latitude.is_not(None), Facility.longitude.is_not(None)
    )
    inserts, updates = [], []
    for fid, lon, lat in conn.execute(located):
        metres = round(geo.distance_m(lon, lat, receptor.geometry), 1)
        if fid not in known:
            inserts.append({"facility_id": fid, "kind": receptor.kind, "metres": metres})
        elif metres < known[fid]:
            updates.append({"fid": fid, "k": receptor.kind, "m": metres})
    if inserts:
        conn.execute(TABLE.insert(), inserts)
    # Facilities it is near: their compliance state may change (near_receptor conditions).
    from registry.maps.states import mark
    from registry.receptors.services import near_distance_m

    within = near_distance_m(receptor.kind)
    mark(session, [r["facility_id"] for r in inserts if r["metres"] <= within])
    mark(session, [r["fid"] for r in updates if r["m"] <= within])
    if updates:
        stmt = (
            TABLE.update()
            .where(TABLE.c.facility_id == sa.bindparam("fid"), TABLE.c.kind == sa.bindparam("k"))
            .values(metres=sa.bindparam("m"))
        )
        conn.execute(stmt, updates)
    request_cache().clear()
    return len(inserts) + len(updates)


def refresh_all(session: Any, progress: Callable[[int], None] | None = None) -> int:
    """Measure every facility again (after a rule pack or receptors change); return the count."""
    conn = session.connection()
    located = sa.select(Facility.id, Facility.longitude, Facility.latitude)
    points = [(r[0], r[1], r[2]) for r in conn.execute(located.order_by(Facility.id))]
    for start in range(0, len(points), _BATCH):
        _measure(conn, points[start : start + _BATCH])
        if progress is not None:
            progress(min(start + _BATCH, len(points)))
    request_cache().clear()
    return len(points)
