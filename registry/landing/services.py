"""What the landing page of a tag shows: the public card, and the summary for staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry.assets import tags
from registry.assets.models import ANY_ASSET
from registry.assets.models import Asset
from registry.auth import policy
from registry.auth.limits import allow_lookup_miss
from registry.certificates.models import Certificate
from registry.certificates.services import verdict
from registry.compliance.services import due_items_for_asset
from registry.core.dates import today
from registry.enforcement.services import active_red_tag
from registry.extensions import db
from registry.inspections.services import findings_query
from registry.inspections.services import inspections_query


@dataclass
class Lookup:
    """A look-up: the canonical tag (None: malformed) and its asset (None: unknown)."""

    canonical: str | None
    asset: Asset | None


def look_up(text: str) -> Lookup:
    """Find the asset of a scanned or typed tag (case, dashes and O/I/L confusions ignored)."""
    try:
        canon = tags.normalize(text)
    except tags.InvalidTag:
        return Lookup(None, None)
    # One statement for what the card shows: the asset with its tank or pipeline columns and
    # its facility (lazy loads would add two round trips to every scan).
    stmt = select(ANY_ASSET).where(ANY_ASSET.tag == canon).options(joinedload(ANY_ASSET.facility))
    return Lookup(canon, db.session.scalar(stmt))


def allow_miss() -> bool:
    """Count one unknown-tag look-up for this client; False when over TAG_MISS_RATE_LIMIT."""
    return allow_lookup_miss()


def current_certificate(asset_id: int) -> Certificate | None:
    """Return the asset's certificate in force (genuine, valid, not expired), if any."""
    stmt = (
        select(Certificate)
        .where(
            Certificate.asset_id == asset_id,
            Certificate.status == "valid",
            Certificate.valid_until >= today(),
        )
        .order_by(Certificate.valid_until.desc(), Certificate.id.desc())
    )
    for cert in db.session.scalars(stmt):
        if verdict(cert) == "valid":
            return cert
    return None


def view_of(user: Any, asset: Asset) -> str:
    """Return `summary` for staff and the asset's own operators, else `public`."""
    if not getattr(user, "is_authenticated", False):
        return "public"
    if policy.is_operator(user) and not policy.owns(user, asset.facility.organization_id):
        return "public"
    return "summary"


def public_card(asset: Asset) -> dict[str, Any]:
    """Return what anyone may see: registered, facility, kind, status, certificate, red tag."""
    return {
        "asset": asset,
        "facility_name": asset.facility.name,
        "certificate": current_certificate(asset.id),
        "red_tag": active_red_tag(asset.id),
    }


def summary(user: Any, asset: Asset) -> dict[str, Any]:
    """Return the staff summary: last inspection, obligations due or overdue, open findings."""
    # The card shows the last inspection's date and result only: not its findings and photos.
    newest = inspections_query(user, asset_id=asset.id, details=False).limit(1)
    last = db.session.scalar(newest)
    due = [i for i in due_items_for_asset(asset.id) if i.state != "ok"]
    findings = list(
        db.session.scalars(findings_query(user, asset_id=asset.id, status="open", photos=False))
    )
    return {"last_inspection": last, "due": due, "findings": findings}
