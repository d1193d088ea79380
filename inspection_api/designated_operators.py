"""Designated operators of a facility (Class A, B and C) and their training."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.core.schemas import patch
from registry.people import operators
from registry.people.models import DesignatedOperator
from registry.people.schemas import DesignatedOperatorPatchSchema
from registry.people.schemas import DesignatedOperatorSchema
from registry.sites.services import get_facility

PREFIX = ""
blp = make_blueprint("api_designated_operators", __name__, "Designated operators")


@blp.route("/facilities/<int:facility_id>/designated-operators")
class FacilityOperators(MethodView):
    @blp.response(200, DesignatedOperatorSchema(many=True))
    @blp.paginate(page_size=100, max_page_size=100)
    def get(self, facility_id: int, pagination_parameters: Any) -> list[DesignatedOperator]:
        """List a facility's designated operators by class."""
        facility = get_facility(current_user, facility_id)
        return page_of(operators.operators_of(facility.id), pagination_parameters)

    @role_required("edit")
    @blp.arguments(DesignatedOperatorSchema)
    @blp.response(201, DesignatedOperatorSchema)
    def post(self, data: dict[str, Any], facility_id: int) -> DesignatedOperator:
        """Designate a Class A, B or C operator (the facility's operator, a regulator)."""
        facility = get_facility(current_user, facility_id)
        policy.require(current_user, "edit", facility.organization_id)
        person = operators.designate(facility, data)
        commit()
        return person


@blp.route("/designated-operators/<int:operator_id>")
class OperatorItem(MethodView):
    @blp.response(200, DesignatedOperatorSchema)
    def get(self, operator_id: int) -> DesignatedOperator:
        """Show one designated operator."""
        return operators.get_operator(current_user, operator_id)

    @role_required("edit")
    @blp.arguments(patch(DesignatedOperatorPatchSchema))
    @blp.response(200, DesignatedOperatorSchema)
    def patch(self, data: dict[str, Any], operator_id: int) -> DesignatedOperator:
        """Change a designated operator (their training, say); `version` as last read."""
        person = operators.get_operator(current_user, operator_id)
        policy.require(current_user, "edit", person.organization_id)
        operators.change_operator(person, data, version=data.pop("version", None))
        commit()
        return person

    @role_required("edit")
    @blp.response(204)
    def delete(self, operator_id: int) -> None:
        """Remove a designation."""
        person = operators.get_operator(current_user, operator_id)
        policy.require(current_user, "edit", person.organization_id)
        operators.remove_operator(person)
        commit()
