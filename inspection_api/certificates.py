"""Certificates: issue from a passed inspection, look up by number, revoke, list."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import EXCLUDE

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.auth.limits import allow_lookup_miss
from registry.certificates import queries
from registry.certificates import services
from registry.certificates.facts import load_inspection
from registry.certificates.models import Certificate
from registry.certificates.schemas import CertificateFilterSchema
from registry.certificates.schemas import CertificateOutSchema
from registry.certificates.schemas import IssueSchema
from registry.certificates.schemas import RevokeSchema
from registry.core.errors import N_
from registry.core.errors import DomainError
from registry.core.errors import NotFound

PREFIX = "/certificates"
blp = make_blueprint("api_certificates", __name__, "Inspection certificates")


class CertificateQuery(CertificateFilterSchema):
    class Meta:
        unknown = EXCLUDE
        exclude = ("page", "page_size")


@blp.route("")
class Certificates(MethodView):
    @blp.arguments(CertificateQuery, location="query")
    @blp.response(200, CertificateOutSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Certificate]:
        """List the certificates the caller may see, searched and filtered by status."""
        return page_of(queries.certificates_query(current_user, args), pagination_parameters)

    @role_required("issue_certificate", N_("Only inspectors and regulators issue certificates."))
    @blp.arguments(IssueSchema)
    @blp.response(201, CertificateOutSchema)
    def post(self, data: dict[str, Any]) -> Certificate:
        """Issue a certificate from a passed inspection (403 to other roles); 422 says why not."""
        inspection = load_inspection(current_user, data["inspection_id"])
        cert = services.issue_certificate(inspection, issued_by=current_user)
        commit()
        return cert


@blp.route("/<string:number>")
class CertificateItem(MethodView):
    @blp.response(200, CertificateOutSchema(check_pdf=True))
    def get(self, number: str) -> Certificate:
        """Show a certificate with its verdict (`status`); the check is counted."""
        try:
            cert = queries.get_certificate(current_user, number)
        except DomainError as exc:
            # An unknown number counts against the client like an unknown tag at /t/<tag>.
            if isinstance(exc, NotFound) and not allow_lookup_miss():
                abort(
                    429,
                    message=_("Too many unknown certificate numbers were looked up."),
                    headers={"Retry-After": "60"},
                )
            raise
        services.count_verification(cert)
        commit()
        return cert


@blp.route("/<string:number>/revoke")
class CertificateRevoke(MethodView):
    @role_required(
        "revoke_certificate", found=lambda number: queries.get_certificate(current_user, number)
    )
    @blp.arguments(RevokeSchema)
    @blp.response(200, CertificateOutSchema)
    def post(self, data: dict[str, Any], number: str) -> Certificate:
        """Revoke a certificate with a reason (regulators); it verifies as REVOKED at once."""
        cert = queries.get_certificate(current_user, number)
        policy.require(current_user, "revoke_certificate", queries.organization_of(cert))
        services.revoke_certificate(cert, revoked_by=current_user, reason=data["reason"])
        commit()
        return cert
