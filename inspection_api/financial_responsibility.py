"""An owner's financial responsibility mechanisms (40 CFR 280.90ff): what the amounts are
checked against comes from the pack's `[financial_responsibility]`."""

from __future__ import annotations

from inspection_api.common import make_blueprint
from inspection_api.owned_rows import Docs
from inspection_api.owned_rows import OwnedRows
from inspection_api.owned_rows import add_owned_rows
from registry.people import financial
from registry.people.schemas import FinancialAssurancePatchSchema
from registry.people.schemas import FinancialAssuranceSchema
from registry.sites.services import get_organization

PREFIX = ""
blp = make_blueprint("api_financial_responsibility", __name__, "Financial responsibility")

add_owned_rows(
    blp,
    OwnedRows(
        get_organization,
        lambda org: org.id,
        financial.mechanisms_of,
        financial.add_mechanism,
        financial.get_mechanism,
        financial.change_mechanism,
        financial.remove_mechanism,
    ),
    FinancialAssuranceSchema,
    FinancialAssurancePatchSchema,
    Docs(
        list="List an owner's mechanisms, the latest first.",
        create="Record a mechanism: provider, amounts per occurrence and a year, dates.",
        show="Show one mechanism.",
        change="Change a mechanism; `version` as last read.",
        delete="Remove a mechanism recorded in error.",
    ),
    collection=("OrganizationMechanisms", "/organizations/<int:org_id>/financial-responsibility"),
    item=("MechanismItem", "/financial-responsibility/<int:mechanism_id>"),
)
