"""Find certificates: by number, for a user, for an asset or a facility, searched and filtered."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.assets.models import Asset
from registry.auth import policy
from registry.certificates.models import Certificate
from registry.certificates.numbering import normalise
from registry.core.dates import today
from registry.core.errors import NotFound
from registry.core.search import ESCAPE
from registry.core.search import clean
from registry.core.search import contains
from registry.extensions import db
from registry.sites.models import Facility


def find_by_number(number: str) -> Certificate | None:
    """Return the certificate of a number, without access checks (public verification)."""
    return db.session.scalar(select(Certificate).where(Certificate.number == normalise(number)))


def _scoped(user: Any) -> Select[Any]:
    stmt = (
        select(Certificate)
        .join(Asset, Asset.id == Certificate.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
    )
    return policy.scope(stmt, user, Facility.organization_id)


def get_certificate(user: Any, number: str) -> Certificate:
    """Return a certificate the user may see, or raise NotFound."""
    cert = db.session.scalar(_scoped(user).where(Certificate.number == normalise(number)))
    if cert is None:
        raise NotFound(_("No certificate has this number."))
    return cert


def organization_of(cert: Certificate) -> int:
    """Return the organization that owns the certified asset."""
    return cert.asset.facility.organization_id


def _status_filter(stmt: Select[Any], status: str) -> Select[Any]:
    day = today()
    if status == "valid":
        return stmt.where(Certificate.status == "valid", Certificate.valid_until >= day)
    if status == "expired":
        return stmt.where(Certificate.status == "valid", Certificate.valid_until < day)
    return stmt.where(Certificate.status == status)


def certificates_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the certificates the user may see, newest first, searched and filtered."""
    stmt = _scoped(user).options(selectinload(Certificate.asset))
    q = clean(filters.get("q"))
    if q:
        like = contains(q)
        tag = q.replace("-", "").replace(" ", "").upper()
        conditions = [
            Certificate.number.ilike(contains(normalise(q)), escape=ESCAPE),
            Certificate.facility_name.ilike(like, escape=ESCAPE),
            Certificate.operator_name.ilike(like, escape=ESCAPE),
        ]
        if tag:
            conditions.append(Certificate.asset_tag.ilike(contains(tag), escape=ESCAPE))
        stmt = stmt.where(or_(*conditions))
    if filters.get("status"):
        stmt = _status_filter(stmt, filters["status"])
    for key in ("asset_id", "facility_id"):
        if filters.get(key):
            stmt = stmt.where(getattr(Certificate, key) == filters[key])
    if filters.get("organization_id"):
        stmt = stmt.where(Facility.organization_id == filters["organization_id"])
    return stmt.order_by(Certificate.issued_on.desc(), Certificate.id.desc())


def current_certificates(facility_id: int) -> list[Certificate]:
    """Return the valid, unexpired certificates of a facility's assets, by tag."""
    stmt = (
        select(Certificate)
        .join(Asset, Asset.id == Certificate.asset_id)
        .where(
            Asset.facility_id == facility_id,
            Certificate.status == "valid",
            Certificate.valid_until >= today(),
        )
        .order_by(Certificate.asset_tag, Certificate.id)
    )
    return list(db.session.scalars(stmt))


def asset_certificates(asset_id: int, limit: int = 10) -> list[Certificate]:
    """Return an asset's latest certificates, newest first (for its page)."""
    stmt = (
        select(Certificate)
        .where(Certificate.asset_id == asset_id)
        .order_by(Certificate.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
