"""Pages: the active rule pack's obligations, and recording an activity for an asset or facility."""

from __future__ import annotations

from typing import Any

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

from registry.assets.services import get_asset
from registry.auth import policy
from registry.compliance import services
from registry.compliance import signals
from registry.compliance.blueprint import bp
from registry.compliance.calendar import record_link
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import active_pack
from registry.compliance.rules import load_pack
from registry.compliance.schemas import RecordEditSchema
from registry.compliance.schemas import RecordInSchema
from registry.compliance.schemas import RecordOutSchema
from registry.compliance.uploads import send_attachment
from registry.core.dates import today
from registry.core.forms import edit_versioned
from registry.core.forms import form_status
from registry.core.forms import submit
from registry.core.http import safe_next
from registry.core.panels import add_panel
from registry.core.templating import add_nav_item
from registry.extensions import db
from registry.sites.models import Facility
from registry.sites.services import get_facility


@bp.record_once
def _load_rule_pack(state: Any) -> None:
    """Load and validate the rule pack when the app starts: a bad pack stops start-up."""
    state.app.extensions["rule_pack"] = load_pack(state.app.config["RULE_PACK"])

    signals.connect()


add_nav_item("compliance.reminders", _l("Reminders"), lambda user: True)
add_nav_item("compliance.obligations", _l("Obligations"), lambda user: True)
add_nav_item(
    "compliance.overview", _l("Compliance overview"), lambda user: not policy.is_operator(user)
)
add_panel("asset_actions", "compliance/_asset_actions.html", 20)
add_panel("asset_detail", "compliance/_asset_panel.html", 20)
add_panel("facility_actions", "compliance/_facility_actions.html", 20)
add_panel("facility_detail", "compliance/_facility_panel.html", 20)
add_panel("organization_detail", "compliance/_organization_panel.html", 20)


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "compliance_asset": _asset_panel,
        "compliance_facility": _facility_panel,
        "today_iso": today().isoformat(),
    }


def _panel(due: list[Any], records: list[Any]) -> dict[str, Any]:
    return {
        "pack": active_pack(),
        "due": due,
        "records": records,
        "record_url": lambda item: record_link(item, ""),
    }


def _asset_panel(asset: Any) -> dict[str, Any]:
    return _panel(
        services.due_items_for_asset(asset.id), services.recent_records(asset_id=asset.id)
    )


def _facility_panel(facility: Any) -> dict[str, Any]:
    return _panel(
        services.due_items_for_facility(facility.id),
        services.recent_records(facility_id=facility.id),
    )


@bp.app_template_global()
def citation_of(item: Any) -> str:
    """Return the rule a reminder comes from (the pack's citation), or an empty string."""
    pack = active_pack()
    if item.source == "obligation" and item.obligation in pack.by_code:
        return pack.by_code[item.obligation].citation
    if item.source == "training" and pack.training is not None:
        return pack.training.citation
    if item.source == "financial_responsibility" and pack.financial is not None:
        return pack.financial.citation
    return ""


@bp.get("/obligations")
@login_required
def obligations() -> Any:
    """List the active rule pack's obligations with their citations."""
    return render_template("compliance/obligations.html", pack=active_pack())


def _record_form(facility: Facility, asset: Any, activities: list[Any]) -> Any:
    # `next`: the list the form was opened from (the reminders); only a path on this site.
    back = safe_next(request.values.get("next"))
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "activity": request.args.get("activity", ""),
        "performed_on": today().isoformat(),
        "result": "pass",
    }
    if request.method == "POST":
        values = request.form.to_dict()
        done = submit(
            RecordInSchema(),
            request.form,
            lambda data: services.record_activity(
                data,
                facility=facility,
                asset=asset,
                recorded_by=current_user,
                attachment=request.files.get("attachment"),
            ),
        )
        if done.ok:
            flash(_("Recorded."), "success")
            return redirect(back or _home_of(facility, asset))
        errors = done.errors
    return _record_page(facility, asset, activities, values, errors, back)


@bp.route("/assets/<int:asset_id>/records/new", methods=["GET", "POST"])
@login_required
def asset_record_new(asset_id: int) -> Any:
    """Record a check, test or patrol of a tank or pipeline (?activity=CODE preselects)."""
    asset = get_asset(current_user, asset_id)
    policy.require(current_user, "record_activity", asset.facility.organization_id)
    return _record_form(asset.facility, asset, services.activities_for_asset(asset))


@bp.route("/facilities/<int:facility_id>/records/new", methods=["GET", "POST"])
@login_required
def facility_record_new(facility_id: int) -> Any:
    """Record an activity of a whole facility (a groundwater sample, a walkthrough, ...)."""
    facility = get_facility(current_user, facility_id)
    policy.require(current_user, "record_activity", facility.organization_id)
    return _record_form(facility, None, services.activities_for_facility(facility))


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def record_edit(record_id: int) -> Any:
    """Correct an activity record (its organization's operators, regulators; audit-logged)."""
    record = services.get_record(current_user, record_id)
    facility = get_facility(current_user, record.facility_id)
    policy.require(current_user, "edit", facility.organization_id)
    asset = get_asset(current_user, record.asset_id) if record.asset_id else None
    back = safe_next(request.values.get("next"))
    edit = edit_versioned(
        record,
        RecordEditSchema(),
        lambda data, version: services.update_record(record, data, version=version),
        lambda: RecordOutSchema().dump(record),
    )
    if edit is None:
        return redirect(back or _home_of(facility, asset))
    values, errors = edit
    activities = (
        services.activities_for_asset(asset)
        if asset
        else services.activities_for_facility(facility)
    )
    return _record_page(facility, asset, activities, values, errors, back, record)


def _record_page(
    facility: Facility,
    asset: Any,
    activities: Any,
    values: dict[str, Any],
    errors: dict[str, Any],
    back: str | None,
    record: ActivityRecord | None = None,
) -> Any:
    """The record form (new or correcting one), with the status its errors call for."""
    return render_template(
        "compliance/record_form.html",
        facility=facility,
        asset=asset,
        activities=activities,
        values=values,
        errors=errors,
        back=back,
        record=record,
    ), form_status(errors)


def _home_of(facility: Facility, asset: Any) -> str:
    if asset is not None:
        return url_for("assets.asset_detail", asset_id=asset.id)
    return url_for("sites.facility_detail", facility_id=facility.id)


@bp.get("/records/<int:record_id>/attachment")
@login_required
def record_attachment(record_id: int) -> Any:
    """Download the file attached to an activity record."""
    record = db.session.get(ActivityRecord, record_id)
    if record is None or not record.attachment_path:
        abort(404)
    facility = db.session.get(Facility, record.facility_id)
    if facility is None or not policy.can_see(current_user, facility.organization_id):
        abort(404)
    return send_attachment(record.attachment_path, record.attachment_type, record.attachment_name)
