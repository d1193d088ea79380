"""Read the rows of an export in keyset batches, with their compliance state."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.assets.services import assets_query
from registry.auth import policy
from registry.compliance import engine
from registry.compliance.due import DueItem
from registry.compliance.engine import Scope
from registry.compliance.rules import active_pack
from registry.compliance.services import reminder_items
from registry.compliance.services import window_days
from registry.core.dates import today
from registry.exports import rows
from registry.exports.bulk import collector_paused
from registry.extensions import db
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.services import facilities_query

BATCH = 1000
ASSET: Any = Asset.__table__
TANK: Any = Tank.__table__
PIPE: Any = Pipeline.__table__
ASSET_FILTERS: tuple[str, ...] = (
    *("q", "subdistrict", "facility_kind", "kind", "status", "substance", "wall"),
    *("red_tagged", "organization_id", "facility_id"),
)
FACILITY_FILTERS = ("q", "subdistrict", "kind", "status", "organization_id")


def filters_of(args: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The list filters from query arguments, as the list pages read them (ids and yes/no typed;
    a malformed one matches nothing rather than failing)."""
    filters: dict[str, Any] = {k: args.get(k) or None for k in keys}
    for key in ("organization_id", "facility_id"):
        if filters.get(key) is not None:
            text = str(filters[key]).strip()
            filters[key] = int(text) if text.isdigit() and len(text) < 10 else -1
    if filters.get("red_tagged") is not None:
        flag = str(filters["red_tagged"]).lower()
        filters["red_tagged"] = flag in ("true", "1", "yes", "on") if flag else None
    return filters


def _batches(stmt: Select[Any], id_column: Any) -> Iterator[list[Any]]:
    """Yield the rows (plain mappings, no ORM objects: memory stays flat) of a select in id
    order, BATCH at a time (keyset: id > last)."""
    stmt = stmt.order_by(None).order_by(id_column).limit(BATCH)
    last = 0
    while True:
        batch = list(db.session.execute(stmt.where(id_column > last)).mappings())
        if not batch:
            return
        yield batch
        last = batch[-1]["id"]
        if len(batch) < BATCH:
            return


def _tally(items: Iterable[DueItem]) -> tuple[rows.Counts, rows.Counts]:
    """Overdue and due-soon counts per asset and per facility."""
    by_asset: dict[int, list[int]] = {}
    by_facility: dict[int, list[int]] = {}
    for item in items:
        if item.state not in ("overdue", "due_soon"):
            continue  # no_record: newly registered, its last date not given yet
        slot = 0 if item.state == "overdue" else 1
        if item.asset_id is not None:
            by_asset.setdefault(item.asset_id, [0, 0])[slot] += 1
        by_facility.setdefault(item.facility_id, [0, 0])[slot] += 1
    return (
        {k: (v[0], v[1]) for k, v in by_asset.items()},
        {k: (v[0], v[1]) for k, v in by_facility.items()},
    )


def _plus(a: rows.Counts, b: rows.Counts) -> rows.Counts:
    if not b:
        return a
    out = dict(a)
    for key, (overdue, due_soon) in b.items():
        have = out.get(key, (0, 0))
        out[key] = (have[0] + overdue, have[1] + due_soon)
    return out


class _BatchCounts:
    """The counts of one keyset batch at a time: the engine runs for the batch's rows only, so
    memory stays flat however large the registry (one run over a national registry held a due
    item for each of millions of obligations). The other domains' reminders (corrective
    actions, violations, …: few) are read once."""

    def __init__(self, user: Any) -> None:
        self.org = user.organization_id if policy.is_operator(user) else None
        self.as_of, self.window, self.pack = today(), window_days(), active_pack()
        with collector_paused():
            found = reminder_items(as_of=self.as_of, organization_id=self.org)
        self.extra_assets, self.extra_facilities = _tally(i for i in found if i.state != "ok")

    def _run(self, scope: Scope) -> tuple[rows.Counts, rows.Counts]:
        with collector_paused():
            found = engine.compute(
                self.pack, as_of=self.as_of, window_days=self.window, scope=scope
            )
        return _tally(found)

    def of_assets(self, ids: list[int]) -> rows.Counts:
        """Counts of the assets with these ids (in order)."""
        # A range of ids when the batch is dense (an unfiltered export): a list of a thousand
        # ids is a thousand parameters in each branch of the engine's UNION.
        dense = ids[-1] - ids[0] < 2 * len(ids)
        scope = (
            Scope(organization_id=self.org, asset_range=(ids[0], ids[-1]))
            if dense
            else Scope(organization_id=self.org, asset_ids=tuple(ids))
        )
        return _plus(self._run(scope)[0], self.extra_assets)

    def of_facilities(self, ids: list[int]) -> rows.Counts:
        """Counts of the facilities with these ids (their assets' and their own obligations)."""
        scope = Scope(organization_id=self.org, facility_ids=tuple(ids))
        return _plus(self._run(scope)[1], self.extra_facilities)


def _asset_select(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """The list's query (its joins and filters) reading plain columns of the asset, its
    tank or pipeline part and its facility."""
    tank, pipe = TANK.alias("t"), PIPE.alias("p")
    columns = [
        *ASSET.c,
        *(c.label(c.key) for c in tank.c if c.key != "id"),
        *(c.label(c.key) for c in pipe.c if c.key != "id"),
        Facility.name.label("facility_name"),
        Facility.organization_id.label("organization_id"),
        Facility.subdistrict.label("subdistrict"),
        Facility.latitude.label("latitude"),
        Facility.longitude.label("longitude"),
    ]
    stmt = assets_query(user, filters).with_only_columns(*columns)
    stmt = stmt.outerjoin(tank, tank.c.id == ASSET.c.id)
    return stmt.outerjoin(pipe, pipe.c.id == ASSET.c.id)


def asset_points(user: Any, filters: dict[str, Any]) -> Iterator[tuple[list[Any], Any]]:
    """Yield (export row, (longitude, latitude) or None) of each asset: its facility's point."""
    counting = _BatchCounts(user)
    for batch in _batches(_asset_select(user, filters), ASSET.c.id):
        counts = counting.of_assets([a["id"] for a in batch])
        for asset in batch:
            yield rows.asset_row(asset, counts), _point(asset)


def asset_rows(user: Any, filters: dict[str, Any]) -> Iterator[list[Any]]:
    """Yield export rows of the assets the user may see, filtered like the list."""
    for row, _where in asset_points(user, filters):
        yield row


def _sizes(facility_ids: list[int]) -> dict[int, tuple[int, int]]:
    red = func.sum(case((Asset.red_tagged.is_(True), 1), else_=0))
    stmt = (
        select(Asset.facility_id, func.count(), red)
        .where(Asset.facility_id.in_(facility_ids))
        .group_by(Asset.facility_id)
    )
    return {fid: (int(n), int(r or 0)) for fid, n, r in db.session.execute(stmt)}


def _facility_select(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """The facility list's query reading plain columns, with the organization's name."""
    org_name = (
        select(Organization.name)
        .where(Organization.id == Facility.organization_id)
        .scalar_subquery()
        .label("organization_name")
    )
    # (The list's joinedload of the organization object has no effect on plain columns.)
    stmt: Any = facilities_query(user, filters)
    return stmt.with_only_columns(*Facility.__table__.c, org_name)  # type: ignore[no-any-return]


def facility_points(user: Any, filters: dict[str, Any]) -> Iterator[tuple[list[Any], Any]]:
    """Yield (export row, (longitude, latitude) or None) of the facilities the user may see."""
    counting = _BatchCounts(user)
    for batch in _batches(_facility_select(user, filters), Facility.id):
        ids = [f["id"] for f in batch]
        sizes, counts = _sizes(ids), counting.of_facilities(ids)
        for facility in batch:
            yield rows.facility_row(facility, counts, sizes), _point(facility)


def facility_rows(user: Any, filters: dict[str, Any]) -> Iterator[list[Any]]:
    """Yield export rows of the facilities the user may see, filtered like the list."""
    for row, _where in facility_points(user, filters):
        yield row


def _point(row: Any) -> tuple[float, float] | None:
    if row["latitude"] is None or row["longitude"] is None:
        return None
    return (row["longitude"], row["latitude"])
