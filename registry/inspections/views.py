"""Pages: the phone inspection form, the result page, photos, the app shell (worker, manifest)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_from_directory
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.services import get_asset
from registry.auth import policy
from registry.compliance.services import register_reminder_source
from registry.core.errors import DomainError
from registry.core.forms import errors_of
from registry.core.panels import add_panel
from registry.core.storage import send_stored
from registry.extensions import db
from registry.inspections import actions
from registry.inspections import photos
from registry.inspections import services
from registry.inspections.checklists import load_checklist
from registry.inspections.form import blank_items
from registry.inspections.form import read_form
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.inspections.models import Photo
from registry.inspections.reminders import corrective_action_reminders
from registry.inspections.schemas import ACTION_STATUS_LABELS
from registry.inspections.schemas import RESULT_LABELS
from registry.inspections.schemas import SEVERITY_LABELS

bp = Blueprint("inspections", __name__)

add_panel("asset_actions", "inspections/_inspect_button.html", 20)
add_panel("asset_detail", "inspections/_asset_panel.html", 20)
register_reminder_source(corrective_action_reminders)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "recent_inspections": _recent_inspections,
        "severity_labels": SEVERITY_LABELS,
        "result_labels": RESULT_LABELS,
        "action_status_labels": ACTION_STATUS_LABELS,
    }


def _recent_inspections(asset_id: int, limit: int = 5) -> list[Inspection]:
    stmt = services.inspections_query(current_user, asset_id=asset_id).limit(limit)
    return list(db.session.scalars(stmt))


def _form_context(asset: Asset, values: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    checklist = load_checklist()
    items = checklist.for_asset(asset)
    fresh = not errors and set(values) <= {"client_uuid"}
    return {
        "asset": asset,
        "items": items,
        "items_html": blank_items(checklist, items) if fresh else None,
        "checklist": checklist,
        "due_days_json": json.dumps(checklist.finding_due_days),
        "values": values,
        "errors": errors,
        "answer_errors": errors.get("answers") if isinstance(errors.get("answers"), dict) else {},
    }


@bp.route("/assets/<int:asset_id>/inspect", methods=["GET", "POST"])
@login_required
def inspect_form(asset_id: int) -> Any:
    """Show the phone inspection form of an asset; without JavaScript, store what it posts."""
    asset = get_asset(current_user, asset_id)
    policy.require(current_user, "inspect", asset.facility.organization_id)
    errors: dict[str, Any] = {}
    status = 200
    values: dict[str, Any] = {"client_uuid": str(uuid.uuid4())}
    if request.method == "POST":
        values = request.form.to_dict()
        data, errors = read_form(request.form, asset)
        status = 422
        if data is not None:
            try:
                inspection, _created = services.submit_inspection(
                    data, asset=asset, inspector=current_user
                )
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                errors, status = errors_of(exc), exc.status
            else:
                _store_form_photos(inspection)
                return redirect(
                    url_for("inspections.inspection_detail", inspection_id=inspection.id)
                )
    context = _form_context(asset, values, errors)
    return render_template("inspections/form.html", **context), status


def _store_form_photos(inspection: Inspection) -> None:
    """Store the photos a plain form post carried; a bad one is reported, the rest kept."""
    for file in request.files.getlist("photos"):
        if not file or not file.filename:
            continue
        try:
            photos.store_photo(
                photos.read_upload(file.stream), inspection=inspection, uploaded_by=current_user
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(
                _(
                    "Photo %(name)s was not stored: %(reason)s",
                    name=file.filename,
                    reason=exc.message,
                ),
                "error",
            )


@bp.get("/inspections/<int:inspection_id>")
@login_required
def inspection_detail(inspection_id: int) -> Any:
    """Show an inspection's result, answers, findings and photos."""
    inspection = services.get_inspection(current_user, inspection_id)
    checklist = load_checklist()
    labels = {item.code: item for item in checklist.items}
    return render_template(
        "inspections/result.html",
        inspection=inspection,
        asset=inspection.asset,
        items=labels,
        verified=actions.verified_by(inspection.id),
    )


@bp.get("/photos/<int:photo_id>")
@login_required
def photo_file(photo_id: int) -> Any:
    """Send a stored photo to a user who may see its asset."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or not policy.can_see(current_user, _photo_organization(photo)):
        abort(404)
    try:
        return send_stored(photo.path, mimetype="image/jpeg", private_max_age=3600)
    except FileNotFoundError:
        abort(404)


def _photo_organization(photo: Photo) -> int:
    if photo.inspection_id is not None:
        asset_id = db.session.scalar(
            select(Inspection.asset_id).where(Inspection.id == photo.inspection_id)
        )
    else:
        asset_id = db.session.scalar(
            select(Finding.asset_id)
            .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
            .where(CorrectiveAction.id == photo.corrective_action_id)
        )
    asset = db.session.get(Asset, asset_id)
    return asset.facility.organization_id if asset else -1


_STEPS = {
    "fix": (actions.mark_fixed, "edit", _l("Marked fixed.")),
    "verify": (actions.verify, "inspect", _l("Fix verified.")),
    "reopen": (actions.reopen, "inspect", _l("Reopened.")),
}


@bp.post("/corrective-actions/<int:action_id>/<any(fix, verify, reopen):step>")
@login_required
def action_step(action_id: int, step: str) -> Any:
    """Mark a corrective action fixed, verify it, or reopen it, from the result page."""
    do, permission, done = _STEPS[step]
    action = actions.get_action(current_user, action_id)
    policy.require(current_user, permission, actions.organization_of(action))
    file = request.files.get("file")
    if step == "fix" and file and file.filename:
        photos.store_photo(photos.read_upload(file.stream), action=action, uploaded_by=current_user)
    do(action, user=current_user, notes=(request.form.get("notes") or "").strip() or None)
    db.session.commit()
    flash(str(done), "success")
    return redirect(
        url_for("inspections.inspection_detail", inspection_id=action.finding.inspection_id)
    )


@bp.get("/sw.js")
def service_worker() -> Any:
    """Serve the service worker from the root, so that it controls every page."""
    static = current_app.static_folder or "static"
    response = send_from_directory(static, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Any:
    """Describe the installable app: name, icons, start page, full screen."""
    body = {
        "name": _("Buried tank registry"),
        "short_name": _("Tank inspect"),
        "start_url": url_for("field.scan"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b3d6b",
        "icons": [
            {
                "src": url_for("static", filename=f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
