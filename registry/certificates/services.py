"""Issue, find, verify and revoke certificates."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from registry.assets.models import Asset
from registry.assets.tags import asset_words
from registry.auth import policy
from registry.certificates import eligibility
from registry.certificates import signing
from registry.certificates.facts import facts_of
from registry.certificates.models import Certificate
from registry.certificates.models import CertificatePdf
from registry.certificates.numbering import next_number
from registry.certificates.pdf import render_pdf
from registry.certificates.printing import printed_facts
from registry.certificates.validity import add_months
from registry.certificates.validity import validity_months
from registry.core.dates import show_date
from registry.core.dates import today
from registry.core.errors import Conflict
from registry.core.errors import Forbidden
from registry.core.errors import Invalid
from registry.core.types import utcnow
from registry.extensions import db


def verify_url(number: str) -> str:
    """Return the public verification address of a certificate (what its QR code holds)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/c/{number}"


def issue_certificate(inspection: Any, *, issued_by: Any) -> Certificate:
    """Issue a certificate from a passed inspection; a newer one supersedes the asset's older."""
    if not policy.can(issued_by, "issue_certificate"):
        raise Forbidden(_("Only inspectors and regulators issue certificates."))
    facts = facts_of(inspection)
    issued_on = today()
    asset = _issuable(facts, on=issued_on)
    dates = {
        "issued_on": issued_on,
        "valid_from": issued_on,
        "valid_until": add_months(issued_on, validity_months()),
    }
    # Taken last before the insert: the counter row stays locked until the commit.
    number = next_number(current_app.config["CERT_PREFIX"], issued_on.year)
    printed = printed_facts(
        number=number, verify_url=verify_url(number), asset=asset, facts=facts, issue=dates
    )
    pdf = render_pdf([printed])
    cert = Certificate(
        number=number,
        asset_id=asset.id,
        inspection_id=facts.id,
        asset_tag=asset.tag,
        facility_id=asset.facility_id,
        facility_name=asset.facility.name,
        operator_name=asset.facility.organization.name,
        issued_by_id=issued_by.id,
        status="valid",
        printed=printed,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        verification_count=0,
        **dates,
    )
    signing.sign_issue(cert)
    signing.sign_lifecycle(cert)
    try:
        # Added inside the savepoint, so that a refused insert spoils only the savepoint.
        with db.session.begin_nested():
            db.session.add(cert)
    except IntegrityError as exc:
        # A concurrent request issued from the same inspection first: the unique index on
        # the inspection's certificate in force refuses the second (checked above too, but
        # both may have read before either wrote).
        raise Conflict(eligibility.already_issued_message(), reason="already_issued") from exc
    db.session.add(CertificatePdf(certificate_id=cert.id, content=pdf))
    _supersede_older(cert)
    db.session.flush()
    return cert


def _issuable(facts: Any, *, on: Any) -> Asset:
    """Return the inspection's asset, or raise why no certificate can come from it today."""
    asset = db.session.get(Asset, facts.asset_id)
    if asset is None:
        raise Invalid(_("The inspection's asset is gone."))
    eligibility.refuse_second_certificate(facts.id)
    reasons = eligibility.refusal_reasons(facts, asset, on=on)
    if reasons:
        messages = [m for _code, m in reasons]
        raise Invalid(
            " ".join(messages),
            errors={"inspection_id": messages},
            reason=",".join(code for code, _m in reasons),
        )
    return asset


def issue_consequences(inspection: Any) -> list[str]:
    """Say what issuing from this inspection would do; raise as issuing would."""
    facts = facts_of(inspection)
    on = today()
    asset = _issuable(facts, on=on)
    lines = [
        _(
            "A certificate for %(asset)s is issued from the inspection of %(inspected)s, "
            "valid until %(until)s, signed and kept as a PDF.",
            asset=asset_words(asset),
            inspected=show_date(facts.performed_on),
            until=show_date(add_months(on, validity_months())),
        )
    ]
    older = db.session.scalars(
        select(Certificate)
        .where(Certificate.asset_id == asset.id, Certificate.status == "valid")
        .order_by(Certificate.id)
    )
    for old in older:
        lines.append(
            _(
                "The new certificate supersedes %(number)s, issued %(ago)s: "
                "its verification page will say superseded.",
                number=old.number,
                ago=format_timedelta(old.created_at - utcnow(), add_direction=True),
            )
        )
    return lines


def revoke_consequences(cert: Certificate, reason: str) -> list[str]:
    """Say what revoking a certificate does."""
    return [
        _(
            "Certificate %(number)s (%(asset)s, valid until %(until)s) is revoked for good: "
            "its verification page will say revoked, with the reason: %(reason)s",
            number=cert.number,
            asset=asset_words(cert.asset),
            until=show_date(cert.valid_until),
            reason=reason,
        ),
        _("A new certificate for this asset then needs a new passing inspection."),
    ]


def _supersede_older(cert: Certificate) -> None:
    """Mark the asset's other valid certificates superseded by `cert`, re-signed."""
    older = db.session.scalars(
        select(Certificate).where(
            Certificate.asset_id == cert.asset_id,
            Certificate.status == "valid",
            Certificate.id != cert.id,
        )
    )
    for old in older:
        authentic = signing.is_authentic(old)
        old.status = "superseded"
        old.superseded_by_id = cert.id
        # A row already altered behind our back stays unverifiable: never re-sign it clean.
        if authentic:
            signing.sign_lifecycle(old)


def revoke_certificate(cert: Certificate, *, revoked_by: Any, reason: str | None) -> Certificate:
    """Revoke a certificate with a reason; from then on it verifies as REVOKED."""
    if not policy.can(revoked_by, "revoke_certificate"):
        raise Forbidden(_("Only regulators revoke certificates."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason."), errors={"reason": [_("Give a reason.")]})
    if cert.status == "revoked":
        raise Conflict(_("This certificate is already revoked."))
    authentic = signing.is_authentic(cert)
    cert.status = "revoked"
    cert.revoked_at = utcnow()
    cert.revoked_by_id = revoked_by.id
    cert.revocation_reason = reason
    if authentic:
        signing.sign_lifecycle(cert)
    db.session.flush()
    return cert


def stored_pdf(cert: Certificate) -> bytes:
    """Return the PDF rendered when the certificate was issued."""
    content = db.session.scalar(
        select(CertificatePdf.content).where(CertificatePdf.certificate_id == cert.id)
    )
    return bytes(content or b"")


def verdict(cert: Certificate | None, *, check_pdf: bool = True) -> str:
    """Return valid, expired, revoked, superseded or unverifiable (also for None)."""
    if cert is None:
        return "unverifiable"
    pdf = stored_pdf(cert) if check_pdf else None
    if not signing.is_authentic(cert, pdf):
        return "unverifiable"
    if cert.status in ("revoked", "superseded"):
        return cert.status
    if cert.status != "valid":
        return "unverifiable"
    if cert.valid_until < today():
        return "expired"
    return "valid"


def count_verification(cert: Certificate) -> None:
    """Count one verification, atomically (no read-modify-write)."""
    db.session.execute(
        update(Certificate)
        .where(Certificate.id == cert.id)
        .values(
            verification_count=Certificate.verification_count + 1,
            last_verified_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
