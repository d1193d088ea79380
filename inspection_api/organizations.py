"""Organizations: owners and operators of tanks and pipelines."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from marshmallow import EXCLUDE
from marshmallow import fields

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.core.schemas import BaseSchema
from registry.core.schemas import patch
from registry.sites import services
from registry.sites.models import Organization
from registry.sites.schemas import OrganizationPatchSchema
from registry.sites.schemas import OrganizationSchema

PREFIX = "/organizations"
blp = make_blueprint("api_organizations", __name__, "Organizations")


class OrganizationQuery(BaseSchema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        allow_none=True, metadata={"description": "search name, credit code, address"}
    )


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuery, location="query")
    @blp.response(200, OrganizationSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Organization]:
        """List the organizations the caller may see."""
        stmt = services.organizations_query(current_user, args.get("q"))
        return page_of(stmt, pagination_parameters)

    @role_required("manage_organizations")
    @blp.arguments(OrganizationSchema)
    @blp.response(201, OrganizationSchema)
    def post(self, data: dict[str, Any]) -> Organization:
        """Register an organization (regulators)."""
        policy.require(current_user, "manage_organizations")
        org = services.create_organization(data)
        commit()
        return org


@blp.route("/<int:org_id>")
class OrganizationItem(MethodView):
    @blp.response(200, OrganizationSchema)
    def get(self, org_id: int) -> Organization:
        """Show one organization."""
        return services.get_organization(current_user, org_id)

    # Operators do not edit organizations, not even their own (the regulator keeps them).
    @role_required(
        "manage_organizations",
        found=lambda org_id: services.get_organization(current_user, org_id),
    )
    @blp.arguments(patch(OrganizationPatchSchema))
    @blp.response(200, OrganizationSchema)
    def patch(self, data: dict[str, Any], org_id: int) -> Organization:
        """Change an organization; `version` must be the one last read (else 409)."""
        org = services.get_organization(current_user, org_id)
        policy.require(current_user, "edit", org.id)
        if current_user.role == "operator":
            policy.require(current_user, "manage_organizations")
        services.update_organization(org, data, version=data.pop("version", None))
        commit()
        return org
