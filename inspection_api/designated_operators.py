"""Designated operators of a facility (Class A, B and C) and their training."""

from __future__ import annotations

from inspection_api.common import make_blueprint
from inspection_api.owned_rows import Docs
from inspection_api.owned_rows import OwnedRows
from inspection_api.owned_rows import add_owned_rows
from registry.people import operators
from registry.people.schemas import DesignatedOperatorPatchSchema
from registry.people.schemas import DesignatedOperatorSchema
from registry.sites.services import get_facility

PREFIX = ""
blp = make_blueprint("api_designated_operators", __name__, "Designated operators")

add_owned_rows(
    blp,
    OwnedRows(
        get_facility,
        lambda facility: facility.organization_id,
        operators.operators_of,
        operators.designate,
        operators.get_operator,
        operators.change_operator,
        operators.remove_operator,
    ),
    DesignatedOperatorSchema,
    DesignatedOperatorPatchSchema,
    Docs(
        list="List a facility's designated operators by class.",
        create="Designate a Class A, B or C operator (the facility's operator, a regulator).",
        show="Show one designated operator.",
        change="Change a designated operator (their training, say); `version` as last read.",
        delete="Remove a designation.",
    ),
    collection=("FacilityOperators", "/facilities/<int:facility_id>/designated-operators"),
    item=("OperatorItem", "/designated-operators/<int:operator_id>"),
)
