"""Pages of the people the rules ask for: a facility's designated operators, an owner's
financial responsibility."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.compliance.rules import active_pack
from registry.compliance.services import register_reminder_source
from registry.compliance.services import window_days
from registry.compliance.uploads import send_attachment
from registry.core.dates import today
from registry.core.forms import edit_versioned
from registry.core.forms import form_status
from registry.core.forms import submit
from registry.core.panels import add_panel
from registry.core.schemas import patch
from registry.extensions import db
from registry.people import financial
from registry.people import operators
from registry.people.schemas import DesignatedOperatorPatchSchema
from registry.people.schemas import DesignatedOperatorSchema
from registry.people.schemas import FinancialAssurancePatchSchema
from registry.people.schemas import FinancialAssuranceSchema
from registry.people.training import training_items
from registry.people.training import training_reminders
from registry.sites.services import get_facility
from registry.sites.services import get_organization

bp = Blueprint("people", __name__)

add_panel("facility_detail", "people/_facility_panel.html", 30)
add_panel("organization_detail", "people/_organization_panel.html", 50)
register_reminder_source(training_reminders)
register_reminder_source(financial.expiry_reminders)


@bp.app_template_global()
def training_pack() -> Any:
    """Return the pack's `[training]` (None: the pack asks for no designated operators)."""
    return active_pack().training


@bp.app_template_global()
def financial_pack() -> Any:
    """Return the pack's `[financial_responsibility]` (None: the pack asks for none)."""
    return active_pack().financial


@bp.app_template_global()
def facility_training(facility_id: int) -> list[Any]:
    """Return the training state of each required class of a facility (ok included)."""
    return list(training_items(today(), facility_id=facility_id, window_days=window_days()))


@bp.route("/facilities/<int:facility_id>/operators", methods=["GET", "POST"])
@login_required
def facility_operators(facility_id: int) -> Any:
    """List a facility's designated operators; POST designates one (owner, regulator)."""
    facility = get_facility(current_user, facility_id)
    values: dict[str, Any] = request.form.to_dict() or {"designated_on": today().isoformat()}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        policy.require(current_user, "edit", facility.organization_id)
        done = submit(
            DesignatedOperatorSchema(),
            request.form,
            lambda data: operators.designate(
                facility, data, certificate=request.files.get("certificate")
            ),
        )
        if done.ok:
            flash(_("Operator designated."), "success")
            return redirect(url_for("people.facility_operators", facility_id=facility.id))
        errors = done.errors
    return render_template(
        "people/operators.html",
        facility=facility,
        people=operators.operators_of(facility.id),
        training=facility_training(facility.id),
        rules=active_pack().training,
        values=values,
        errors=errors,
    ), form_status(errors)


@bp.route("/designated-operators/<int:operator_id>/edit", methods=["GET", "POST"])
@login_required
def operator_edit(operator_id: int) -> Any:
    """Change a designated operator's details, training or certificate."""
    person = operators.get_operator(current_user, operator_id)
    policy.require(current_user, "edit", person.organization_id)
    edit = edit_versioned(
        person,
        patch(DesignatedOperatorPatchSchema),
        lambda data, version: operators.change_operator(
            person, data, version=version, certificate=request.files.get("certificate")
        ),
        lambda: DesignatedOperatorSchema().dump(person),
    )
    if edit is None:
        return redirect(url_for("people.facility_operators", facility_id=person.facility_id))
    values, errors = edit
    return render_template(
        "people/operator_form.html", person=person, values=values, errors=errors
    ), form_status(errors)


@bp.post("/designated-operators/<int:operator_id>/delete")
@login_required
def operator_delete(operator_id: int) -> Any:
    """Remove a designation."""
    person = operators.get_operator(current_user, operator_id)
    policy.require(current_user, "edit", person.organization_id)
    facility_id = person.facility_id
    operators.remove_operator(person)
    db.session.commit()
    flash(_("Designation removed."), "success")
    return redirect(url_for("people.facility_operators", facility_id=facility_id))


@bp.get("/designated-operators/<int:operator_id>/certificate")
@login_required
def operator_certificate(operator_id: int) -> Any:
    """Download a designated operator's training certificate."""
    person = operators.get_operator(current_user, operator_id)
    return send_attachment(
        person.certificate_path, person.certificate_type, person.certificate_name
    )


@bp.route("/organizations/<int:org_id>/financial-responsibility", methods=["GET", "POST"])
@login_required
def organization_financial(org_id: int) -> Any:
    """List an owner's financial responsibility and what the pack requires; POST adds one."""
    org = get_organization(current_user, org_id)
    values: dict[str, Any] = request.form.to_dict()
    errors: dict[str, Any] = {}
    if request.method == "POST":
        policy.require(current_user, "edit", org.id)
        done = submit(
            FinancialAssuranceSchema(),
            request.form,
            lambda data: financial.add_mechanism(org, data),
        )
        if done.ok:
            flash(_("Mechanism recorded."), "success")
            return redirect(url_for("people.organization_financial", org_id=org.id))
        errors = done.errors
    return render_template(
        "people/financial.html",
        org=org,
        mechanisms=financial.mechanisms_of(org.id),
        standing=financial.standing_of(org.id),
        rules=active_pack().financial,
        values=values,
        errors=errors,
    ), form_status(errors)


@bp.route("/financial-responsibility/<int:mechanism_id>/edit", methods=["GET", "POST"])
@login_required
def financial_edit(mechanism_id: int) -> Any:
    """Change a financial responsibility mechanism."""
    row = financial.get_mechanism(current_user, mechanism_id)
    policy.require(current_user, "edit", row.organization_id)
    edit = edit_versioned(
        row,
        patch(FinancialAssurancePatchSchema),
        lambda data, version: financial.change_mechanism(row, data, version=version),
        lambda: FinancialAssuranceSchema().dump(row),
    )
    if edit is None:
        return redirect(url_for("people.organization_financial", org_id=row.organization_id))
    values, errors = edit
    return render_template(
        "people/financial_form.html", row=row, values=values, errors=errors
    ), form_status(errors)


@bp.post("/financial-responsibility/<int:mechanism_id>/delete")
@login_required
def financial_delete(mechanism_id: int) -> Any:
    """Remove a mechanism recorded in error."""
    row = financial.get_mechanism(current_user, mechanism_id)
    policy.require(current_user, "edit", row.organization_id)
    org_id = row.organization_id
    financial.remove_mechanism(row)
    db.session.commit()
    flash(_("Mechanism removed."), "success")
    return redirect(url_for("people.organization_financial", org_id=org_id))
