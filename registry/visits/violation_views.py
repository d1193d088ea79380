"""Pages of violations: the list (overdue for the regulator), correct, verify, reopen, red tag."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.compliance.rules import active_pack
from registry.compliance.uploads import send_attachment
from registry.core.confirm import asks_confirmation
from registry.core.confirm import confirmation_page
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import DomainError
from registry.core.errors import Invalid
from registry.core.forms import load_form
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.templating import add_nav_item
from registry.enforcement import services as enforcement
from registry.extensions import db
from registry.visits import violations
from registry.visits.models import Violation
from registry.visits.schemas import CorrectedInSchema
from registry.visits.schemas import ReopenInSchema
from registry.visits.views import bp
from registry.visits.views import refusal

add_nav_item("visits.violation_list", _l("Violations"), lambda user: user.is_authenticated)


def red_tag_ready(v: Violation) -> bool:
    """An unresolved SOC violation of an asset past its date can lead to a red tag."""
    return v.soc and v.status != "verified" and v.asset_id is not None and v.due_on < today()


@bp.app_template_global()
def violation_title(v: Violation) -> str:
    """The violation's title in the reader's language."""
    known = active_pack().violations.get(v.code)
    return known.title(str(get_locale() or "zh")) if known else v.code


@bp.app_template_global()
def violation_red_tag_ready(v: Violation) -> bool:
    """Say whether the one-step red tag is offered for this violation."""
    return red_tag_ready(v)


@bp.get("/violations")
@login_required
def violation_list() -> Any:
    """List violations (operators: their own); `?overdue=1` shows open ones past their date."""
    status = request.args.get("status") or None
    facility = request.args.get("facility_id", "")
    stmt = violations.violations_query(
        current_user,
        status=status if status in ("open", "corrected", "verified") else None,
        facility_id=int(facility) if facility.isdigit() else None,
    )
    overdue = request.args.get("overdue") == "1"
    if overdue:
        stmt = stmt.where(Violation.status != "verified", Violation.due_on < today())
    number, size = page_args(request.args)
    page = paginate(stmt, page=number, page_size=size)
    return render_template(
        "visits/violations.html", page=page, status=status, overdue=overdue, today=today()
    )


def _back(v: Violation) -> Any:
    return redirect(url_for("visits.visit_detail", visit_id=v.compliance_inspection_id))


def _step(violation_id: int, action: str, act: Any) -> Any:
    v = violations.get_violation(current_user, violation_id)
    policy.require(current_user, action, v.facility.organization_id)
    try:
        act(v)
        db.session.commit()
        flash(_("Saved."), "success")
    except DomainError as exc:
        db.session.rollback()
        for messages in refusal(exc).values():
            flash(" ".join(str(m) for m in messages), "error")
    return _back(v)


@bp.post("/violations/<int:violation_id>/corrected")
@login_required
def violation_corrected(violation_id: int) -> Any:
    """The operator reports a violation corrected, with an optional evidence file."""
    data, errors = load_form(CorrectedInSchema(), request.form)

    def act(v: Violation) -> None:
        if data is None:
            raise Invalid(N_("Invalid input."), errors=errors)
        violations.mark_corrected(
            v,
            user=current_user,
            corrected_on=data.get("corrected_on"),
            notes=data.get("notes"),
            evidence=request.files.get("evidence"),
        )

    return _step(violation_id, "correct_violation", act)


@bp.post("/violations/<int:violation_id>/verify")
@login_required
def violation_verify(violation_id: int) -> Any:
    """An inspector or regulator verifies a correction."""
    return _step(violation_id, "inspect", lambda v: violations.verify(v, user=current_user))


@bp.post("/violations/<int:violation_id>/reopen")
@login_required
def violation_reopen(violation_id: int) -> Any:
    """An inspector or regulator reopens a violation with a reason."""
    data, errors = load_form(ReopenInSchema(), request.form)

    def act(v: Violation) -> None:
        if data is None:
            raise Invalid(N_("Invalid input."), errors=errors)
        violations.reopen(v, user=current_user, reason=data["reason"])

    return _step(violation_id, "inspect", act)


@bp.get("/violations/<int:violation_id>/evidence")
@login_required
def violation_evidence(violation_id: int) -> Any:
    """Download the evidence file of a correction."""
    v = violations.get_violation(current_user, violation_id)
    return send_attachment(v.evidence_path, v.evidence_type, v.evidence_name)


@bp.post("/violations/<int:violation_id>/red-tag")
@login_required
def violation_red_tag(violation_id: int) -> Any:
    """Red-tag the asset of an unresolved SOC violation past its date, in one confirmed step."""
    v = violations.get_violation(current_user, violation_id)
    policy.require(current_user, "red_tag", v.facility.organization_id)
    if not red_tag_ready(v) or v.asset is None:
        flash(
            _("Only an unresolved SOC violation of an asset past its date leads to a red tag."),
            "error",
        )
        return _back(v)
    reason = f"{v.code} {violation_title(v)}"
    if asks_confirmation(request.form):
        lines = enforcement.place_consequences(v.asset, reason=reason, legal_basis=v.citation)
        return confirmation_page(
            request.form,
            title=_("Place a red tag?"),
            consequences=lines,
            action=url_for("visits.violation_red_tag", violation_id=v.id),
            button=_("Place red tag"),
            cancel_url=url_for("visits.visit_detail", visit_id=v.compliance_inspection_id),
            danger=True,
        )
    try:
        enforcement.place_red_tag(
            v.asset, reason=reason, legal_basis=v.citation, placed_by=current_user
        )
        db.session.commit()
        flash(_("Red tag placed: deliveries to this asset are prohibited."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    return _back(v)
