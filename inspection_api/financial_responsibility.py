"""An owner's financial responsibility mechanisms (40 CFR 280.90ff): what the amounts are
checked against comes from the pack's `[financial_responsibility]`."""

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
from registry.people import financial
from registry.people.models import FinancialAssurance
from registry.people.schemas import FinancialAssurancePatchSchema
from registry.people.schemas import FinancialAssuranceSchema
from registry.sites.services import get_organization

PREFIX = ""
blp = make_blueprint("api_financial_responsibility", __name__, "Financial responsibility")


@blp.route("/organizations/<int:org_id>/financial-responsibility")
class OrganizationMechanisms(MethodView):
    @blp.response(200, FinancialAssuranceSchema(many=True))
    @blp.paginate(page_size=100, max_page_size=100)
    def get(self, org_id: int, pagination_parameters: Any) -> list[FinancialAssurance]:
        """List an owner's mechanisms, the latest first."""
        org = get_organization(current_user, org_id)
        return page_of(financial.mechanisms_of(org.id), pagination_parameters)

    @role_required("edit")
    @blp.arguments(FinancialAssuranceSchema)
    @blp.response(201, FinancialAssuranceSchema)
    def post(self, data: dict[str, Any], org_id: int) -> FinancialAssurance:
        """Record a mechanism: provider, amounts per occurrence and a year, dates."""
        org = get_organization(current_user, org_id)
        policy.require(current_user, "edit", org.id)
        row = financial.add_mechanism(org, data)
        commit()
        return row


@blp.route("/financial-responsibility/<int:mechanism_id>")
class MechanismItem(MethodView):
    @blp.response(200, FinancialAssuranceSchema)
    def get(self, mechanism_id: int) -> FinancialAssurance:
        """Show one mechanism."""
        return financial.get_mechanism(current_user, mechanism_id)

    @role_required("edit")
    @blp.arguments(patch(FinancialAssurancePatchSchema))
    @blp.response(200, FinancialAssuranceSchema)
    def patch(self, data: dict[str, Any], mechanism_id: int) -> FinancialAssurance:
        """Change a mechanism; `version` as last read."""
        row = financial.get_mechanism(current_user, mechanism_id)
        policy.require(current_user, "edit", row.organization_id)
        financial.change_mechanism(row, data, version=data.pop("version", None))
        commit()
        return row

    @role_required("edit")
    @blp.response(204)
    def delete(self, mechanism_id: int) -> None:
        """Remove a mechanism recorded in error."""
        row = financial.get_mechanism(current_user, mechanism_id)
        policy.require(current_user, "edit", row.organization_id)
        financial.remove_mechanism(row)
        commit()
