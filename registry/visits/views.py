"""Pages of compliance inspections: start a visit, its record and notice, plans, public pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError

from registry.auth import policy
from registry.compliance.services import register_reminder_source
from registry.core.errors import DomainError
from registry.core.forms import load_form
from registry.core.panels import add_panel
from registry.core.schemas import form_input
from registry.core.schemas import translate_errors
from registry.core.storage import generated_file
from registry.core.templating import add_nav_item
from registry.extensions import db
from registry.sites.services import get_facility
from registry.visits import dashboard
from registry.visits import form as visit_form
from registry.visits import planning
from registry.visits import services
from registry.visits.pdf import render_notice
from registry.visits.reminders import violation_reminders
from registry.visits.schemas import PlanInSchema
from registry.visits.schemas import VisitInSchema

bp = Blueprint("visits", __name__)

register_reminder_source(violation_reminders)
add_panel("facility_actions", "visits/_facility_button.html", 25)
add_panel("facility_detail", "visits/_facility_panel.html", 25)
add_panel("dashboard_sections", "visits/_dashboard_section.html", 10)
add_panel("asset_actions", "visits/_asset_button.html", 40)
add_nav_item(
    "visits.plans",
    _l("Inspection planning"),
    # Viewers open it from the dashboard: their pages carry no link that reads like an act.
    lambda user: user.role in ("inspector", "regulator"),
)


def refusal(exc: DomainError) -> dict[str, Any]:
    """A service's refusal as messages per field, or one for the whole form (translated)."""
    return flat_messages(translate_errors(exc.errors)) or {
        "_schema": [translate_errors(exc.message)]
    }


@bp.app_template_global()
def visit_measure_rows() -> list[dict[str, Any]]:
    """Return the visit measures of the last four half-years (the dashboard's section)."""
    return dashboard.measure_rows()


@bp.app_template_global()
def visit_soc_chart(rows: list[dict[str, Any]]) -> Any:
    """Return the SOC bar chart of the dashboard's rows as inline SVG."""
    return dashboard.soc_chart(rows)


@bp.app_template_global()
def facility_visits(facility: Any) -> list[Any]:
    """Return the latest compliance inspections of a facility the user may see."""
    stmt = services.visits_query(current_user, facility_id=facility.id).limit(10)
    return list(db.session.scalars(stmt))


def _load_visit(form: Any, facility: Any) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    try:
        with form_input():
            return VisitInSchema().load(visit_form.body_of(form, facility)), {}
    except ValidationError as err:
        return None, flat_messages(translate_errors(err.messages))


def flat_messages(errors: Any, prefix: str = "") -> dict[str, Any]:
    """Nested messages (a list's rows) under dotted keys: {"violations.0.code": [...]}."""
    if not isinstance(errors, dict):
        return {prefix: errors}
    out: dict[str, Any] = {}
    for key, value in errors.items():
        out.update(flat_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


@bp.route("/facilities/<int:facility_id>/compliance-inspections/new", methods=["GET", "POST"])
@login_required
def visit_new(facility_id: int) -> Any:
    """Start a compliance inspection of a facility (inspectors, regulators; operators: self)."""
    facility = get_facility(current_user, facility_id)
    policy.require(current_user, "compliance_inspect", facility.organization_id)
    values: dict[str, Any] = visit_form.blank_values(current_user)
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = request.form.to_dict() | {"inspection_ids": request.form.getlist("inspection_ids")}
        data, errors = _load_visit(request.form, facility)
        status = 422
        if data is not None:
            try:
                services.check_kind(current_user, facility, data["kind"])
                visit, _created = services.submit_visit(
                    data, facility=facility, inspector=current_user
                )
                db.session.commit()
                flash(
                    _("Compliance inspection %(number)s recorded.", number=visit.number), "success"
                )
                return redirect(url_for("visits.visit_detail", visit_id=visit.id))
            except DomainError as exc:
                db.session.rollback()
                errors, status = refusal(exc), exc.status
    context = visit_form.form_context(facility)
    return render_template(
        "visits/new.html", facility=facility, values=values, errors=errors, **context
    ), status


@bp.get("/compliance-inspections/<int:visit_id>")
@login_required
def visit_detail(visit_id: int) -> Any:
    """Show a compliance inspection: its violations and what each one's next step is."""
    visit = services.get_visit(current_user, visit_id)
    return render_template("visits/detail.html", visit=visit)


@bp.get("/compliance-inspections/<int:visit_id>.pdf")
@login_required
def visit_pdf(visit_id: int) -> Response:
    """The inspection record and notice of violations as a PDF, in the reader's language."""
    visit = services.get_visit(current_user, visit_id)
    return generated_file(render_notice(visit), "application/pdf", f"{visit.number}.pdf")


@bp.get("/ci/<string:number>")
def visit_verify(number: str) -> Any:
    """Public check of a printed notice: genuine or not, and where its violations stand."""
    visit = services.visit_by_number(number)
    status = 200 if visit is not None else 404
    return render_template("visits/verify.html", visit=visit, number=number), status


@bp.route("/inspection-plans", methods=["GET", "POST"])
@login_required
def plans() -> Any:
    """Facilities due a visit, the draws, an inspector's assignments; regulators draw."""
    policy.require(current_user, "see_inspection_due")
    errors: dict[str, Any] = {}
    if request.method == "POST":
        policy.require(current_user, "plan_inspections")
        data, errors = load_form(PlanInSchema(), request.form)
        if data is not None:
            plan = planning.draw_plan(data, user=current_user)
            db.session.commit()
            return redirect(url_for("visits.plan_public", plan_id=plan.id))
    return render_template(
        "visits/plans.html",
        due=planning.inspection_due(),
        plans=list(db.session.scalars(planning.plans_query().limit(20))),
        mine=planning.assignments(current_user.id) if current_user.role == "inspector" else [],
        values=request.form.to_dict(),
        errors=errors,
    ), (422 if errors else 200)


@bp.get("/inspection-plans/<int:plan_id>/public")
def plan_public(plan_id: int) -> Any:
    """The published draw and its results: facilities, dates, results; no personal data."""
    try:
        plan = planning.get_plan(plan_id)
    except DomainError:
        abort(404)
    return render_template("visits/plan_public.html", draw=planning.public_draw(plan))


from registry.visits import violation_views  # noqa: E402,F401  (routes on the same blueprint)
