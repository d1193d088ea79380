"""Compliance inspections of facilities (visits), violations and their return to compliance."""

from __future__ import annotations

import functools
from typing import Any

from flask import request
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields

from inspection_api.common import commit
from inspection_api.common import load
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.compliance.rules import active_pack
from registry.sites.services import get_facility
from registry.visits import planning
from registry.visits import services
from registry.visits import violations
from registry.visits.models import ComplianceInspection
from registry.visits.models import InspectionPlan
from registry.visits.models import Violation
from registry.visits.schemas import CorrectedInSchema
from registry.visits.schemas import DueFacilityOutSchema
from registry.visits.schemas import PlanInSchema
from registry.visits.schemas import PlanOutSchema
from registry.visits.schemas import ReopenInSchema
from registry.visits.schemas import ViolationCodeOutSchema
from registry.visits.schemas import ViolationOutSchema
from registry.visits.schemas import ViolationQuerySchema
from registry.visits.schemas import VisitInSchema
from registry.visits.schemas import VisitOutSchema
from registry.visits.schemas import VisitQuerySchema

PREFIX = ""
blp = make_blueprint(
    "api_compliance_inspections", __name__, "Compliance inspections of facilities and violations"
)


def _page(stmt: Any, pagination_parameters: Any) -> list[Any]:
    return page_of(stmt, pagination_parameters)


def _facility(facility_id: int, **_: Any) -> Any:
    return get_facility(current_user, facility_id)


def _operator_self_only(view: Any) -> Any:
    """Answer an operator 403 before the body is parsed unless it asks for a self-investigation.

    The facility is looked up first, so another organization's stays a 404.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        body = request.get_json(silent=True)
        kind = body.get("kind") if isinstance(body, dict) else None
        if policy.is_operator(current_user) and kind != "self_investigation":
            facility = get_facility(current_user, kwargs["facility_id"])
            services.check_kind(current_user, facility, str(kind))
        return view(*args, **kwargs)

    return wrapper


def _violation(violation_id: int, **_: Any) -> Violation:
    return violations.get_violation(current_user, violation_id)


@blp.route("/violation-codes")
class ViolationCodes(MethodView):
    @blp.response(200, ViolationCodeOutSchema(many=True))
    def get(self) -> list[Any]:
        """List the rule pack's violation library, titles in your language."""
        return list(active_pack().violations.values())


@blp.route("/facilities/<int:facility_id>/compliance-inspections")
class FacilityVisits(MethodView):
    @role_required("compliance_inspect", found=_facility)
    @_operator_self_only
    @blp.arguments(VisitInSchema)
    @blp.response(201, VisitOutSchema)
    @blp.alt_response(200, schema=VisitOutSchema, description="Already stored: the same")
    def post(self, data: dict[str, Any], facility_id: int) -> Any:
        """Record a compliance inspection of a facility; same client_uuid: 200, other body: 409.

        Inspectors and regulators; an operator only `self_investigation` of its own facility.
        """
        facility = get_facility(current_user, facility_id)
        services.check_kind(current_user, facility, data["kind"])
        visit, created = services.submit_visit(data, facility=facility, inspector=current_user)
        commit()
        return services.get_visit(current_user, visit.id), (201 if created else 200)


@blp.route("/compliance-inspections")
class Visits(MethodView):
    @blp.arguments(VisitQuerySchema, location="query")
    @blp.response(200, VisitOutSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[ComplianceInspection]:
        """List the compliance inspections you may see, newest first."""
        return _page(services.visits_query(current_user, **args), pagination_parameters)


@blp.route("/compliance-inspections/<int:visit_id>")
class VisitItem(MethodView):
    @blp.response(200, VisitOutSchema)
    def get(self, visit_id: int) -> ComplianceInspection:
        """Show one compliance inspection with its violations."""
        return services.get_visit(current_user, visit_id)


@blp.route("/violations")
class Violations(MethodView):
    @blp.arguments(ViolationQuerySchema, location="query")
    @blp.response(200, ViolationOutSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Violation]:
        """List violations by status and facility, soonest due first."""
        return _page(violations.violations_query(current_user, **args), pagination_parameters)


@blp.route("/violations/<int:violation_id>")
class ViolationItem(MethodView):
    @blp.response(200, ViolationOutSchema)
    def get(self, violation_id: int) -> Violation:
        """Show one violation."""
        return _violation(violation_id)


def _body(schema: Any) -> dict[str, Any]:
    """Load a JSON or multipart body; an empty one is {}, one that parses to nothing is 422."""
    if request.is_json:
        raw = request.get_json(silent=True)
    elif request.form or request.files:
        raw = request.form.to_dict()
    else:
        raw = None if request.content_length else {}
    if raw is None and not request.content_length:
        raw = {}
    return load(schema, raw)


class _CorrectedFormSchema(CorrectedInSchema):
    """The multipart form of a correction (documentation only): the fields and the file."""

    evidence = fields.Raw(metadata={"type": "string", "format": "binary"})


_CORRECTED_BODY = {
    "required": False,
    "content": {
        "application/json": {"schema": CorrectedInSchema},
        "multipart/form-data": {"schema": _CorrectedFormSchema},
    },
}


@blp.route("/violations/<int:violation_id>/corrected")
class ViolationCorrected(MethodView):
    @role_required("correct_violation", found=_violation)
    @blp.doc(requestBody=_CORRECTED_BODY)
    @blp.response(200, ViolationOutSchema)
    def post(self, violation_id: int) -> Violation:
        """Report a violation corrected (the facility's operator), with an evidence file."""
        body = _body(CorrectedInSchema())
        violation = _violation(violation_id)
        policy.require(current_user, "correct_violation", violation.facility.organization_id)
        violations.mark_corrected(
            violation,
            user=current_user,
            corrected_on=body.get("corrected_on"),
            notes=body.get("notes"),
            evidence=request.files.get("evidence"),
        )
        commit()
        return violation


@blp.route("/violations/<int:violation_id>/verify")
class ViolationVerify(MethodView):
    @role_required("inspect", found=_violation)
    @blp.response(200, ViolationOutSchema)
    def post(self, violation_id: int) -> Violation:
        """Verify a corrected violation (inspectors and regulators; operators 403)."""
        violation = _violation(violation_id)
        violations.verify(violation, user=current_user)
        commit()
        return violation


@blp.route("/violations/<int:violation_id>/reopen")
class ViolationReopen(MethodView):
    @role_required("inspect", found=_violation)
    @blp.arguments(ReopenInSchema)
    @blp.response(200, ViolationOutSchema)
    def post(self, data: dict[str, Any], violation_id: int) -> Violation:
        """Reopen a corrected or verified violation with a reason (inspectors and regulators)."""
        violation = _violation(violation_id)
        violations.reopen(violation, user=current_user, reason=data["reason"])
        commit()
        return violation


@blp.route("/facilities/inspection-due")
class InspectionDue(MethodView):
    @role_required("see_inspection_due")
    @blp.response(200, DueFacilityOutSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """List active facilities due a compliance inspection (never, or years ago per pack)."""
        return planning.inspection_due()


@blp.route("/inspection-plans")
class Plans(MethodView):
    @role_required("see_inspection_due")
    @blp.response(200, PlanOutSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> list[InspectionPlan]:
        """List the inspection plans drawn, newest first."""
        return _page(planning.plans_query(), pagination_parameters)

    @role_required("plan_inspections")
    @blp.arguments(PlanInSchema)
    @blp.response(201, PlanOutSchema)
    def post(self, data: dict[str, Any]) -> InspectionPlan:
        """Draw facilities and inspectors at random (regulators); the same seed draws the same."""
        plan = planning.draw_plan(data, user=current_user)
        commit()
        return plan


@blp.route("/inspection-plans/<int:plan_id>")
class PlanItem(MethodView):
    @role_required("see_inspection_due")
    @blp.response(200, PlanOutSchema)
    def get(self, plan_id: int) -> InspectionPlan:
        """Show one inspection plan with the inspectors drawn."""
        return planning.get_plan(plan_id)
