"""Certificates in and out: issue and revoke bodies, the answer, list filters."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import fields
from marshmallow import validate

from registry.assets.tags import display as tag_display
from registry.certificates.models import VERDICTS
from registry.certificates.services import verdict
from registry.certificates.services import verify_url
from registry.core.schemas import BaseSchema
from registry.core.schemas import id_field

VERDICT_LABELS = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "superseded": _l("Superseded"),
    "unverifiable": _l("Cannot be verified"),
}


class IssueSchema(BaseSchema):
    """Issue a certificate from an inspection."""

    inspection_id = id_field(required=True)


class RevokeSchema(BaseSchema):
    """Revoke a certificate; the reason is required."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CertificateFilterSchema(BaseSchema):
    """Search and filters of certificate lists (the web list and the API alike)."""

    q = fields.String(allow_none=True)
    status = fields.String(allow_none=True, validate=validate.OneOf(VERDICTS[:4]))
    asset_id = id_field(allow_none=True)
    facility_id = id_field(allow_none=True)
    organization_id = id_field(allow_none=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class CertificateOutSchema(BaseSchema):
    """A certificate as the API answers it; `status` is the verdict a verifier would see."""

    number = fields.String(dump_only=True)
    status = fields.Method("_status", dump_only=True, metadata={"enum": list(VERDICTS)})
    stored_status = fields.String(attribute="status", dump_only=True)
    asset_id = id_field(dump_only=True)
    asset_tag = fields.Method("_tag", dump_only=True)
    inspection_id = id_field(dump_only=True)
    facility_id = id_field(dump_only=True)
    facility_name = fields.String(dump_only=True)
    operator_name = fields.String(dump_only=True)
    issued_on = fields.Date(dump_only=True)
    valid_from = fields.Date(dump_only=True)
    valid_until = fields.Date(dump_only=True)
    issued_by = fields.Method("_issuer", dump_only=True)
    superseded_by = fields.Method("_superseded_by", dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    revocation_reason = fields.String(dump_only=True, allow_none=True)
    verification_count = fields.Integer(dump_only=True)
    verify_url = fields.Method("_verify_url", dump_only=True)
    pdf_url = fields.Method("_pdf_url", dump_only=True)

    def __init__(self, *args: Any, check_pdf: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_pdf = check_pdf

    def _status(self, cert: Any) -> str:
        return verdict(cert, check_pdf=self.check_pdf)

    def _tag(self, cert: Any) -> str:
        return tag_display(cert.asset_tag)

    def _issuer(self, cert: Any) -> str:
        return str(cert.issued_by.name or cert.issued_by.email)

    def _superseded_by(self, cert: Any) -> str | None:
        return cert.superseded_by.number if cert.superseded_by else None

    def _verify_url(self, cert: Any) -> str:
        return verify_url(cert.number)

    def _pdf_url(self, cert: Any) -> str:
        return url_for("certificates.certificate_pdf", number=cert.number, _external=True)
