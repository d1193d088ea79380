"""Place and lift red tags; find the open ones."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from registry.assets.models import Asset
from registry.assets.tags import asset_words
from registry.auth import policy
from registry.core import signals
from registry.core.dates import show_datetime
from registry.core.errors import Conflict
from registry.core.signals import announce
from registry.core.types import utcnow
from registry.enforcement.models import RedTag
from registry.extensions import db
from registry.sites.models import Facility


def active_red_tag(asset_id: int) -> RedTag | None:
    """Return the asset's red tag in force, if any."""
    return db.session.scalar(
        select(RedTag).where(RedTag.asset_id == asset_id, RedTag.lifted_at.is_(None))
    )


def _lock(asset: Asset) -> None:
    """Re-read the asset and lock its row (PostgreSQL) until the transaction ends.

    Concurrent placings and liftings on one asset then take turns: the second sees the first's
    tag and answers 409. Without the lock, two of them inserting a tag and updating the asset
    each wait for the other on PostgreSQL (a deadlock, 500). SQLite has one writer at a time;
    there the unique index and the version column answer the late writer.
    """
    db.session.refresh(asset, with_for_update=True)


def _announce(asset: Asset, red_tag: RedTag, *, placed: bool) -> None:
    announce(signals.red_tag_changed, asset=asset, red_tag=red_tag, placed=placed)


def place_red_tag(
    asset: Asset, *, reason: str, legal_basis: str | None = None, placed_by: Any
) -> RedTag:
    """Prohibit deliveries to an asset until the tag is lifted; one tag at a time."""
    _lock(asset)
    if active_red_tag(asset.id) is not None:
        raise Conflict(_("This asset already carries a red tag."))
    red_tag = RedTag(
        asset_id=asset.id,
        reason=reason,
        legal_basis=legal_basis,
        placed_at=utcnow(),
        placed_by_id=getattr(placed_by, "id", None),
    )
    db.session.flush()  # nothing of the caller's may fail inside the savepoint below
    try:
        # Added and changed inside the savepoint: begin_nested() flushes what is pending
        # before it opens, outside the savepoint, where a failure would spoil the whole
        # transaction (PendingRollbackError instead of a 409).
        with db.session.begin_nested():
            db.session.add(red_tag)
            asset.red_tagged = True  # the same transaction as the tag itself
    except (IntegrityError, StaleDataError) as exc:
        # Another tag placed at the same moment: the one-active-tag index refuses ours, or
        # the asset's version moved under our UPDATE.
        raise Conflict(_("This asset already carries a red tag.")) from exc
    _announce(asset, red_tag, placed=True)
    return red_tag


def lift_red_tag(asset: Asset, *, lifted_by: Any, note: str | None) -> RedTag:
    """Lift the asset's red tag, recording who lifted it, when and why."""
    _lock(asset)
    red_tag = active_red_tag(asset.id)
    if red_tag is None:
        raise Conflict(_("This asset carries no red tag."))
    db.session.flush()
    try:
        with db.session.begin_nested():
            red_tag.lifted_at = utcnow()
            red_tag.lifted_by_id = getattr(lifted_by, "id", None)
            red_tag.lift_note = note
            asset.red_tagged = False
    except StaleDataError as exc:  # lifted by someone else at the same moment
        raise Conflict(_("This asset carries no red tag.")) from exc
    _announce(asset, red_tag, placed=False)
    return red_tag


def place_consequences(asset: Asset, *, reason: str, legal_basis: str | None) -> list[str]:
    """Say what placing a red tag does."""
    return [
        _(
            "Deliveries to, deposits into and withdrawals from %(asset)s are prohibited "
            "until the red tag is lifted.",
            asset=asset_words(asset),
        ),
        _(
            "Anyone who scans its tag sees that delivery is prohibited; %(organization)s "
            "sees the reason (%(reason)s) and the legal basis (%(basis)s).",
            organization=asset.facility.organization.name,
            reason=reason,
            basis=legal_basis or "—",
        ),
    ]


def lift_consequences(asset: Asset, red_tag: RedTag | None, *, note: str) -> list[str]:
    """Say what lifting an asset's red tag does."""
    lines = [
        _(
            "Deliveries to %(asset)s are allowed again; the public card of its tag no longer "
            "says that delivery is prohibited.",
            asset=asset_words(asset),
        )
    ]
    if red_tag is not None:
        lines.append(
            _(
                "The red tag placed %(when)s for: %(reason)s ends with your note: %(note)s",
                when=show_datetime(red_tag.placed_at),
                reason=red_tag.reason,
                note=note,
            )
        )
    return lines


def red_tags_of(asset_id: int) -> list[RedTag]:
    """Return every red tag an asset has carried, newest first (its enforcement record)."""
    stmt = (
        select(RedTag)
        .where(RedTag.asset_id == asset_id)
        .options(joinedload(RedTag.placed_by), joinedload(RedTag.lifted_by))
        .order_by(RedTag.placed_at.desc(), RedTag.id.desc())
    )
    return list(db.session.scalars(stmt))


def red_tags_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the red tags the user may see (open ones by default), newest first."""
    stmt = (
        select(RedTag)
        .join(Asset, Asset.id == RedTag.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .options(
            contains_eager(RedTag.asset).contains_eager(Asset.facility),
            joinedload(RedTag.placed_by),
            joinedload(RedTag.lifted_by),
        )
    )
    stmt = policy.scope(stmt, user, Facility.organization_id)
    state = filters.get("state") or "open"
    if state == "open":
        stmt = stmt.where(RedTag.lifted_at.is_(None))
    elif state == "lifted":
        stmt = stmt.where(RedTag.lifted_at.is_not(None))
    for key, column in (
        ("organization_id", Facility.organization_id),
        ("facility_id", Facility.id),
        ("subdistrict", Facility.subdistrict),
    ):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    return stmt.order_by(RedTag.placed_at.desc(), RedTag.id.desc())


def active_red_tags(
    organization_id: int | None = None, *, facility_id: int | None = None
) -> list[RedTag]:
    """Return the red tags in force on an organization's (or a facility's) assets, in one query.

    For the operator's dashboard: each tag carries its asset and facility, so the page can say
    which tank is tagged, why, on what legal basis and since when.
    """
    stmt = (
        select(RedTag)
        .join(Asset, Asset.id == RedTag.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .where(RedTag.lifted_at.is_(None))
        .options(contains_eager(RedTag.asset).contains_eager(Asset.facility))
        .order_by(Facility.name, RedTag.placed_at)
    )
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    if facility_id is not None:
        stmt = stmt.where(Facility.id == facility_id)
    return list(db.session.scalars(stmt))


def count_open(user: Any) -> int:
    """Count the red tags in force that the user may see."""
    stmt = (
        select(func.count())
        .select_from(RedTag)
        .join(Asset, Asset.id == RedTag.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .where(RedTag.lifted_at.is_(None))
    )
    return db.session.scalar(policy.scope(stmt, user, Facility.organization_id)) or 0
