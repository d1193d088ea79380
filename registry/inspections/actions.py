"""Follow a finding's corrective action: the operator fixes it, an inspector verifies or reopens."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.assets.models import Asset
from registry.auth import policy
from registry.core.errors import N_
from registry.core.errors import Conflict
from registry.core.errors import Invalid
from registry.core.schemas import has_control
from registry.core.text import strip_invisible
from registry.core.types import utcnow
from registry.extensions import db
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.sites.models import Facility


def get_action(user: Any, action_id: int) -> CorrectiveAction:
    """Return a corrective action the user may see, or raise NotFound."""
    stmt = (
        select(CorrectiveAction)
        .join(Finding, Finding.id == CorrectiveAction.finding_id)
        .join(Asset, Asset.id == Finding.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .where(CorrectiveAction.id == action_id)
        .options(selectinload(CorrectiveAction.finding).selectinload(Finding.asset))
    )
    return policy.visible_one(stmt, user, Facility.organization_id, _("No such corrective action."))


def organization_of(action: CorrectiveAction) -> int:
    """Return the organization that owns the asset of a corrective action."""
    return action.finding.asset.facility.organization_id


def _note(action: CorrectiveAction, notes: str | None) -> None:
    if has_control(notes):
        raise Invalid(N_("Contains control characters (such as NUL) that cannot be stored."))
    notes = strip_invisible(notes).strip() if notes else notes
    if notes:
        action.notes = f"{action.notes}\n{notes}" if action.notes else notes


def _advance(
    action: CorrectiveAction, step: str, user: Any, notes: str | None, refused: str
) -> None:
    """Move an action to `step` ("fixed" from open, "verified" from fixed), stamped by `user`."""
    if action.status != {"fixed": "open", "verified": "fixed"}[step]:
        raise Conflict(refused)
    action.status = step
    setattr(action, f"{step}_at", utcnow())
    setattr(action, f"{step}_by_id", user.id)
    _note(action, notes)
    db.session.flush()


def mark_fixed(action: CorrectiveAction, *, user: Any, notes: str | None = None) -> None:
    """Record that the operator fixed what the finding describes."""
    _advance(action, "fixed", user, notes, _("Only an open corrective action can be marked fixed."))


def verify(action: CorrectiveAction, *, user: Any, notes: str | None = None) -> None:
    """Confirm on site that a fix holds."""
    _advance(action, "verified", user, notes, _("Only a fixed corrective action can be verified."))


def reopen(action: CorrectiveAction, *, user: Any, notes: str | None = None) -> None:
    """Send a fix back to the operator: it did not hold."""
    if action.status == "open":
        raise Conflict(_("This corrective action is open already."))
    action.status = "open"
    action.verified_at = None
    action.verified_by_id = None
    action.verified_by_inspection_id = None
    _note(action, notes)
    db.session.flush()


def verify_rechecked(
    inspection: Inspection, *, items: set[str], user: Any
) -> list[CorrectiveAction]:
    """Verify the open or fixed corrective actions of the asset's earlier findings on `items`,
    which this passing inspection found compliant again; return them.

    A finding tied to no item, or to an item not answered (or answered n/a) here, stays open;
    so does one of an inspection performed after this one (a queued inspection synced late
    did not re-check what was found later).
    """
    if inspection.result != "pass" or not items:
        return []
    earlier = select(Inspection.id).where(
        Inspection.asset_id == inspection.asset_id,
        Inspection.performed_at < inspection.performed_at,
    )
    stmt = (
        select(CorrectiveAction)
        .join(Finding, Finding.id == CorrectiveAction.finding_id)
        .where(
            Finding.asset_id == inspection.asset_id,
            Finding.item.in_(sorted(items)),
            Finding.inspection_id.in_(earlier),
            CorrectiveAction.status.in_(("open", "fixed")),
        )
        .order_by(CorrectiveAction.id)
        # Locked until the commit (PostgreSQL): a concurrent change of one of these actions
        # waits for it, so this inspection does not fail on a stale version.
        .with_for_update(of=CorrectiveAction)
    )
    found = list(db.session.scalars(stmt))
    now = utcnow()
    for action in found:
        action.status = "verified"
        action.verified_at = now
        action.verified_by_id = getattr(user, "id", None)
        action.verified_by_inspection_id = inspection.id
    db.session.flush()
    return found


def verified_by(inspection_id: int) -> list[CorrectiveAction]:
    """Return the corrective actions an inspection verified by re-checking their items."""
    stmt = (
        select(CorrectiveAction)
        .where(CorrectiveAction.verified_by_inspection_id == inspection_id)
        .options(selectinload(CorrectiveAction.finding))
        .order_by(CorrectiveAction.id)
    )
    return list(db.session.scalars(stmt))
