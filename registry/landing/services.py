"""What the landing page of a tag shows: the public card, and the summary for staff."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.orm import aliased
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
from registry.enforcement.models import RedTag
from registry.extensions import db
from registry.inspections.services import findings_query
from registry.inspections.services import inspections_query
from registry.releases.models import Release


@dataclass
class Lookup:
    """A look-up: the canonical tag (None: malformed), its asset (None: unknown) and what the
    public card shows of it: the certificate in force, the red tag, an open confirmed release."""

    canonical: str | None
    asset: Asset | None
    certificate: Certificate | None = None
    red_tag: RedTag | None = None
    open_release: Release | None = None


def _in_force(cert: Any = Certificate, on: Any = None) -> Any:
    """The certificates that may be in force, newest first (the stored PDF is checked after)."""
    return (
        select(cert)
        .where(cert.status == "valid", cert.valid_until >= (today() if on is None else on))
        .order_by(cert.valid_until.desc(), cert.id.desc())
    )


@cache
def _card() -> Any:
    """The card's one statement, built once per process (building it costs more than running
    it): the asset with its tank or pipeline columns and facility, its newest certificate that
    may be in force, its red tag in force (one at most: a unique index) and the facility's first
    confirmed release not yet closed."""
    other_cert, other_release = aliased(Certificate), aliased(Release)
    best = _in_force(other_cert, bindparam("today")).where(other_cert.asset_id == ANY_ASSET.id)
    release = (
        select(other_release.id)
        .where(
            other_release.facility_id == ANY_ASSET.facility_id,
            other_release.state == "confirmed",
        )
        .order_by(other_release.confirmed_at, other_release.id)
    )
    return (
        select(ANY_ASSET, Certificate, RedTag, Release)
        .select_from(ANY_ASSET)
        .outerjoin(
            Certificate,
            Certificate.id == best.with_only_columns(other_cert.id).limit(1).scalar_subquery(),
        )
        .outerjoin(RedTag, and_(RedTag.asset_id == ANY_ASSET.id, RedTag.lifted_at.is_(None)))
        .outerjoin(Release, Release.id == release.limit(1).scalar_subquery())
        .where(ANY_ASSET.tag == bindparam("tag"))
        .options(joinedload(ANY_ASSET.facility))
    )


def look_up(text: str) -> Lookup:
    """Find the asset of a scanned or typed tag (case, dashes and O/I/L confusions ignored)."""
    try:
        canon = tags.normalize(text)
    except tags.InvalidTag:
        return Lookup(None, None)
    # One round trip for all the card shows, not four.
    row = db.session.execute(_card(), {"tag": canon, "today": today()}).first()
    if row is None:
        return Lookup(canon, None)
    asset, newest, red_tag, open_release = row
    cert: Certificate | None = newest
    if newest is not None and verdict(newest) != "valid":
        cert = current_certificate(asset.id)  # the newest one was altered: the others
    return Lookup(canon, asset, cert, red_tag, open_release)


def allow_miss() -> bool:
    """Count one unknown-tag look-up for this client; False when over TAG_MISS_RATE_LIMIT."""
    return allow_lookup_miss()


def current_certificate(asset_id: int) -> Certificate | None:
    """Return the asset's certificate in force (genuine, valid, not expired), if any."""
    for cert in db.session.scalars(_in_force().where(Certificate.asset_id == asset_id)):
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


def public_card(found: Lookup) -> dict[str, Any]:
    """Return what anyone may see: registered, facility, kind, status, certificate, red tag,
    an open confirmed release."""
    assert found.asset is not None
    return {
        "asset": found.asset,
        "facility_name": found.asset.facility.name,
        "certificate": found.certificate,
        "red_tag": found.red_tag,
        "open_release": found.open_release,
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
