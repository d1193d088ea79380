"""Register, change, close and find tanks and pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect
from sqlalchemy import Select
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union
from sqlalchemy import union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from registry.assets import tags
from registry.assets.models import ANY_ASSET
from registry.assets.models import ASSET_CLASSES
from registry.assets.models import Asset
from registry.assets.schemas import PIPELINE_ONLY
from registry.assets.schemas import TANK_ONLY
from registry.auth import policy
from registry.compliance.onboarding import record_last_done
from registry.core.errors import N_
from registry.core.errors import Conflict
from registry.core.errors import Invalid
from registry.core.search import ESCAPE
from registry.core.search import clean
from registry.core.search import contains
from registry.extensions import db
from registry.lifecycle import services as lifecycle
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.services import apply_changes
from registry.sites.services import check_version
from registry.sites.services import flush_versioned


def _new_tag() -> str:
    """Return a tag not used by any asset (a collision at 55 bits is rare, but checked)."""
    for _ in range(10):
        tag = tags.generate()
        if db.session.scalar(select(Asset.id).where(Asset.tag == tag)) is None:
            return tag
    raise RuntimeError("could not find a free tag")


def _check_facility(by: Any, facility_id: int) -> None:
    """Refuse a facility that does not exist for `by` (None: the system): another
    organization's facility is refused exactly like one that does not exist."""
    stmt = select(Facility.id).where(Facility.id == facility_id)
    if db.session.scalar(policy.scope(stmt, by, Facility.organization_id)) is None:
        raise Invalid(N_("Invalid input."), errors={"facility_id": [N_("No such facility.")]})


def create_asset(data: dict[str, Any], *, by: Any) -> Asset:
    """Register a tank or pipeline at a facility `by` may see, with a new tag; `last_done`
    (activity code → date) records what was done to it before (registry.compliance.onboarding)."""
    kind = data["kind"]
    cls = ASSET_CLASSES[kind]
    _check_facility(by, data["facility_id"])
    _check_reference_free(data["facility_id"], data.get("operator_ref"))
    fields_ = {k: v for k, v in data.items() if k not in ("kind", "last_done")}
    asset = cls(**fields_, tag=_new_tag())
    db.session.add(asset)
    _flush_unique(asset)
    record_last_done(asset, data.get("last_done") or {}, recorded_by=by)
    return asset


_REF_TAKEN = N_("Another tank or pipeline at this facility already has this reference.")


def _check_reference_free(facility_id: int, ref: str | None, own_id: int | None = None) -> None:
    """Refuse an operator's reference that another asset at the facility already carries."""
    if not ref:
        return
    stmt = select(Asset.id).where(Asset.facility_id == facility_id, Asset.operator_ref == ref)
    if own_id is not None:
        stmt = stmt.where(Asset.id != own_id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise Conflict(_REF_TAKEN, errors={"operator_ref": [_REF_TAKEN]}, reason="reference")


def _flush_unique(asset: Asset) -> None:
    """Flush in a savepoint: the same reference registered a moment ago by someone else (the
    check above saw nothing yet) ends as the same message, not an error page."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            _REF_TAKEN, errors={"operator_ref": [_REF_TAKEN]}, reason="reference"
        ) from exc


def update_asset(asset: Asset, data: dict[str, Any], *, version: int | None, by: Any) -> Asset:
    """Change an asset's fields (a move only to a facility `by` may see); kind and tag stay."""
    check_version(asset, version)
    # 409, not 422: the change is well formed, it conflicts with what the asset is (a body
    # valid for a pipeline, sent to a tank).
    if "kind" in data and data["kind"] != asset.kind:
        raise Conflict(
            N_("The kind of an asset cannot change."),
            errors={"kind": [N_("The kind of an asset cannot change.")]},
            reason="kind",
        )
    other = PIPELINE_ONLY if asset.kind == "tank" else TANK_ONLY
    wrong = [k for k in data if k in other]
    if wrong:
        message = N_("This field does not apply to this kind of asset.")
        raise Conflict(message, errors={k: [message] for k in wrong}, reason="kind")
    installed = data.get("installed_on", asset.installed_on)
    closed = data.get("closed_on", asset.closed_on)
    if installed and closed and closed < installed:
        raise Invalid(
            N_("Invalid input."),
            errors={"closed_on": [N_("The closing date is before the installation date.")]},
        )
    if "facility_id" in data:
        _check_facility(by, data["facility_id"])
    _check_reference_free(
        data.get("facility_id", asset.facility_id),
        data.get("operator_ref", asset.operator_ref),
        asset.id,
    )
    before = lifecycle.prepare_change(asset, data)
    apply_changes(asset, {k: v for k, v in data.items() if k != "kind"})
    flush_versioned(asset)
    lifecycle.after_change(asset, before, by=by)
    return asset


def get_asset(user: Any, asset_id: int) -> Asset:
    """Return an asset the user may see, or raise NotFound."""
    stmt = (
        select(ANY_ASSET)
        .join(Facility, Facility.id == ANY_ASSET.facility_id)
        .where(ANY_ASSET.id == asset_id)
        .options(contains_eager(ANY_ASSET.facility))
    )
    return policy.visible_one(stmt, user, Facility.organization_id, N_("No such tank or pipeline."))


def find_by_tag(text: str) -> Asset | None:
    """Return the asset of a typed or scanned tag; raise InvalidTag when malformed."""
    canon = tags.normalize(text)
    return db.session.scalar(select(Asset).where(Asset.tag == canon))


def _conditions(q: str) -> tuple[Any, Any, Any]:
    """What q matches: on the facility, on its organization, on the asset itself."""
    like = contains(q)

    def holds(*columns: Any) -> Any:
        return or_(*(column.ilike(like, escape=ESCAPE) for column in columns))

    own: list[Any] = [Asset.operator_ref.ilike(like, escape=ESCAPE)]
    if tags.is_valid(q):
        own.append(Asset.tag == tags.normalize(q))
    else:
        compact = q.replace("-", "").replace(" ", "").upper()
        if compact:
            own.append(Asset.tag.like(contains(compact), escape=ESCAPE))
    on_org = holds(Organization.name, Organization.credit_code)
    return holds(Facility.name, Facility.address), on_org, or_(*own)


def _search_ids(q: str) -> Any:
    """The ids of assets whose name, tag, credit code or address holds q.

    One union of per-table look-ups rather than an OR across a join: each branch can use its
    trigram index on PostgreSQL (an OR spanning tables can only be checked row by row).
    """
    on_facility, on_org, on_asset = _conditions(q)
    by_facility = select(Asset.id).join(Facility, Facility.id == Asset.facility_id)
    by_org = by_facility.join(Organization, Organization.id == Facility.organization_id)
    return union(
        select(Asset.id).where(on_asset), by_facility.where(on_facility), by_org.where(on_org)
    )


_FILTERS = {
    "organization_id": Facility.organization_id,
    "facility_id": Asset.facility_id,
    "subdistrict": Facility.subdistrict,
    "facility_kind": Facility.kind,
    "kind": Asset.kind,
    "status": Asset.status,
    "substance": Asset.substance,
    "wall": Asset.wall,
    "red_tagged": Asset.red_tagged,
}


def _visible(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the assets (joined to their facility) the user may see, filtered but not searched."""
    stmt = select(Asset).join(Facility, Facility.id == Asset.facility_id)
    stmt = policy.scope(stmt, user, Facility.organization_id)
    for key, column in _FILTERS.items():
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    return stmt


def assets_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the assets the user may see, filtered and searched (name, tag, code, address)."""
    stmt = _visible(user, filters).options(contains_eager(Asset.facility))
    q = clean(filters.get("q"))
    if not q:
        return stmt.order_by(Asset.id)
    # Sorted by id + 0: PostgreSQL otherwise walks the whole primary key in order, checking
    # each id against the hits, instead of sorting the (usually few) hits.
    return stmt.where(Asset.id.in_(_search_ids(q))).order_by(Asset.id + 0)


@dataclass(frozen=True)
class AssetList:
    """One list of assets as three selects of the same rows, each the cheapest for one use."""

    # In id order; a search finds its hits through the trigram indexes, then sorts them.
    page: Select[Any]
    # To count: a search's look-ups never overlap, so a capped count stops at the cap
    # instead of gathering every hit to remove duplicates first.
    counted: Select[Any] | CompoundSelect
    # In id order by walking the primary key and checking each row: with many hits (a capped
    # count), 25 are found after a few hundred rows.
    walked: Select[Any]
    # Searched by text: the selects are to be planned on indexes (core.postgres.index_driven).
    searched: bool = False


def asset_list(user: Any, filters: dict[str, Any]) -> AssetList:
    """The assets the user may see, filtered and searched, as the list pages and counts them."""
    page = assets_query(user, filters)
    q = clean(filters.get("q"))
    if not q:
        return AssetList(page, page, page)
    on_facility, on_org, on_asset = _conditions(q)
    visible = _visible(user, filters)
    with_org = visible.join(Organization, Organization.id == Facility.organization_id)
    # IS NOT TRUE, not NOT: a condition on a missing address is NULL, and NOT NULL drops the row.
    counted = union_all(
        visible.where(on_facility).with_only_columns(Asset.id),
        with_org.where(on_org, on_facility.is_not(true())).with_only_columns(Asset.id),
        with_org.where(
            on_asset, on_facility.is_not(true()), on_org.is_not(true())
        ).with_only_columns(Asset.id),
    )
    walked = with_org.where(or_(on_facility, on_org, on_asset))
    walked = walked.options(contains_eager(Asset.facility)).order_by(Asset.id)
    return AssetList(page, counted, walked, searched=True)
