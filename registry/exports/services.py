"""Read the rows of an export in keyset batches, with their compliance state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectin_polymorphic

from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.assets.services import assets_query
from registry.auth import policy
from registry.compliance.services import due_items
from registry.exports import rows
from registry.extensions import db
from registry.sites.models import Facility
from registry.sites.services import facilities_query

BATCH = 1000
ASSET_FILTERS: tuple[str, ...] = (
    *("q", "subdistrict", "facility_kind", "kind", "status", "substance", "wall"),
    *("red_tagged", "organization_id", "facility_id"),
)
FACILITY_FILTERS = ("q", "subdistrict", "kind", "status", "organization_id")


def filters_of(args: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The list filters from query arguments, as the list pages read them."""
    return {k: args.get(k) or None for k in keys}


def _batches(stmt: Select[Any], id_column: Any) -> Iterator[list[Any]]:
    """Yield the rows of a select in id order, BATCH at a time (keyset: id > last)."""
    stmt = stmt.order_by(None).order_by(id_column).limit(BATCH)
    last = 0
    while True:
        batch = list(db.session.scalars(stmt.where(id_column > last)).unique())
        if not batch:
            return
        yield batch
        last = batch[-1].id
        _forget(batch)
        if len(batch) < BATCH:
            return


def _forget(batch: list[Any]) -> None:
    """Drop a written batch from the session so memory stays flat over a large export."""
    for obj in batch:
        for row in (obj, getattr(obj, "facility", None), getattr(obj, "organization", None)):
            if row is not None and row in db.session:
                db.session.expunge(row)


def compliance_counts(user: Any) -> tuple[rows.Counts, rows.Counts]:
    """Overdue and due-soon counts per asset and per facility (one engine run)."""
    org = user.organization_id if policy.is_operator(user) else None
    by_asset: dict[int, list[int]] = {}
    by_facility: dict[int, list[int]] = {}
    for item in due_items(user, organization_id=org):
        slot = 0 if item.state == "overdue" else 1
        if item.asset_id is not None:
            by_asset.setdefault(item.asset_id, [0, 0])[slot] += 1
        by_facility.setdefault(item.facility_id, [0, 0])[slot] += 1
    return (
        {k: (v[0], v[1]) for k, v in by_asset.items()},
        {k: (v[0], v[1]) for k, v in by_facility.items()},
    )


def asset_rows(user: Any, filters: dict[str, Any]) -> Iterator[list[Any]]:
    """Yield export rows of the assets the user may see, filtered like the list."""
    counts, _by_facility = compliance_counts(user)
    stmt = assets_query(user, filters).options(selectin_polymorphic(Asset, [Tank, Pipeline]))
    for batch in _batches(stmt, Asset.id):
        for asset in batch:
            yield rows.asset_row(asset, counts)


def asset_points(user: Any, filters: dict[str, Any]) -> Iterator[tuple[list[Any], Any]]:
    """Yield (export row, (longitude, latitude) or None) of each asset: its facility's point."""
    counts, _by_facility = compliance_counts(user)
    stmt = assets_query(user, filters).options(selectin_polymorphic(Asset, [Tank, Pipeline]))
    for batch in _batches(stmt, Asset.id):
        for asset in batch:
            yield rows.asset_row(asset, counts), _point(asset.facility)


def _sizes(facility_ids: list[int]) -> dict[int, tuple[int, int]]:
    red = func.sum(case((Asset.red_tagged.is_(True), 1), else_=0))
    stmt = (
        select(Asset.facility_id, func.count(), red)
        .where(Asset.facility_id.in_(facility_ids))
        .group_by(Asset.facility_id)
    )
    return {fid: (int(n), int(r or 0)) for fid, n, r in db.session.execute(stmt)}


def facility_points(user: Any, filters: dict[str, Any]) -> Iterator[tuple[list[Any], Any]]:
    """Yield (export row, (longitude, latitude) or None) of the facilities the user may see."""
    _by_asset, counts = compliance_counts(user)
    for batch in _batches(facilities_query(user, filters), Facility.id):
        sizes = _sizes([f.id for f in batch])
        for facility in batch:
            yield rows.facility_row(facility, counts, sizes), _point(facility)


def facility_rows(user: Any, filters: dict[str, Any]) -> Iterator[list[Any]]:
    """Yield export rows of the facilities the user may see, filtered like the list."""
    for row, _where in facility_points(user, filters):
        yield row


def _point(facility: Facility) -> tuple[float, float] | None:
    if facility.latitude is None or facility.longitude is None:
        return None
    return (facility.longitude, facility.latitude)
