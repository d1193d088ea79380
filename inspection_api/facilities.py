"""Facilities: gas stations, oil depots and industrial sites."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from marshmallow import EXCLUDE

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.schemas import patch
from registry.sites import services
from registry.sites.models import Facility
from registry.sites.schemas import FacilityFilterSchema
from registry.sites.schemas import FacilityOutSchema
from registry.sites.schemas import FacilityPatchSchema
from registry.sites.schemas import FacilitySchema

PREFIX = "/facilities"
blp = make_blueprint("api_facilities", __name__, "Facilities")


class FacilityQuery(FacilityFilterSchema):
    class Meta:
        unknown = EXCLUDE
        exclude = ("page", "page_size")


@blp.route("")
class Facilities(MethodView):
    @blp.arguments(FacilityQuery, location="query")
    @blp.response(200, FacilityOutSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Facility]:
        """List the facilities the caller may see, searched and filtered."""
        stmt = services.facilities_query(current_user, args)
        return page_of(stmt, pagination_parameters)

    @role_required("create_facility")
    @blp.arguments(FacilitySchema(partial=("organization_id",)))
    @blp.response(201, FacilityOutSchema)
    def post(self, data: dict[str, Any]) -> Facility:
        """Register a facility; an operator's goes to their own organization."""
        if current_user.role == "operator" and "organization_id" not in data:
            data["organization_id"] = current_user.organization_id
        elif "organization_id" not in data:
            raise Invalid(
                N_("Invalid input."),
                errors={"organization_id": [N_("Missing data for required field.")]},
            )
        # An organization the caller cannot see answers 404, as ids in API bodies do.
        services.get_organization(current_user, data["organization_id"])
        policy.require(current_user, "create_facility", data["organization_id"])
        facility = services.create_facility(data, by=current_user)
        commit()
        return facility


@blp.route("/<int:facility_id>")
class FacilityItem(MethodView):
    @blp.response(200, FacilityOutSchema)
    def get(self, facility_id: int) -> Facility:
        """Show one facility."""
        return services.get_facility(current_user, facility_id)

    @role_required("edit")
    @blp.arguments(patch(FacilityPatchSchema))
    @blp.response(200, FacilityOutSchema)
    def patch(self, data: dict[str, Any], facility_id: int) -> Facility:
        """Change a facility; `version` must be the one last read (else 409)."""
        facility = services.get_facility(current_user, facility_id)
        policy.require(current_user, "edit", facility.organization_id)
        if "organization_id" in data:
            # An id in the body that the caller cannot see answers 404 like one that does
            # not exist, as everywhere in the API (an operator sees only its own).
            services.get_organization(current_user, data["organization_id"])
        services.update_facility(facility, data, version=data.pop("version", None), by=current_user)
        commit()
        return facility
