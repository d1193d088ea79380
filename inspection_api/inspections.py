"""Inspections: checklists, idempotent submissions, photos, findings and corrective actions."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import get_locale
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import file_body
from inspection_api.common import load
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.assets.services import get_asset
from registry.auth import policy
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.inspections import actions
from registry.inspections import photos
from registry.inspections import services
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.inspections.schemas import ActionNoteSchema
from registry.inspections.schemas import ChecklistOutSchema
from registry.inspections.schemas import CorrectiveActionOutSchema
from registry.inspections.schemas import FindingOutSchema
from registry.inspections.schemas import FindingQuerySchema
from registry.inspections.schemas import InspectionInSchema
from registry.inspections.schemas import InspectionOutSchema
from registry.inspections.schemas import PhotoOutSchema

PREFIX = ""
blp = make_blueprint("api_inspections", __name__, "Inspections, findings and corrective actions")


@blp.route("/assets/<int:asset_id>/checklist")
class AssetChecklist(MethodView):
    @blp.response(200, ChecklistOutSchema)
    def get(self, asset_id: int) -> dict[str, Any]:
        """Show the checklist an inspector answers about this asset, in the caller's language."""
        asset = get_asset(current_user, asset_id)
        return services.checklist_for(asset, str(get_locale()))


@blp.route("/assets/<int:asset_id>/inspections")
class AssetInspections(MethodView):
    @blp.response(200, InspectionOutSchema(many=True))
    @blp.paginate()
    def get(self, asset_id: int, pagination_parameters: Any) -> list[Inspection]:
        """List the inspections of an asset, newest first."""
        get_asset(current_user, asset_id)
        stmt = services.inspections_query(current_user, asset_id=asset_id)
        return page_of(stmt, pagination_parameters)


@blp.route("/inspections")
class Inspections(MethodView):
    @blp.response(200, InspectionOutSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> list[Inspection]:
        """List the inspections the caller may see, newest first."""
        return page_of(services.inspections_query(current_user), pagination_parameters)

    @role_required("inspect")
    @blp.arguments(InspectionInSchema)
    @blp.response(201, InspectionOutSchema)
    @blp.alt_response(200, schema=InspectionOutSchema, description="Already stored: the same")
    def post(self, data: dict[str, Any]) -> Any:
        """Store an inspection; the same client_uuid again: same body 200, other body 409."""
        asset = get_asset(current_user, data["asset_id"])
        policy.require(current_user, "inspect", asset.facility.organization_id)
        inspection, created = services.submit_inspection(data, asset=asset, inspector=current_user)
        commit()
        inspection = services.get_inspection(current_user, inspection.id)
        return inspection, (201 if created else 200)


@blp.route("/inspections/<int:inspection_id>")
class InspectionItem(MethodView):
    @blp.response(200, InspectionOutSchema)
    def get(self, inspection_id: int) -> Inspection:
        """Show one inspection with its answers, findings and photos."""
        return services.get_inspection(current_user, inspection_id)


def _upload() -> bytes:
    file = request.files.get("file")
    if file is None:
        raise Invalid(N_("Invalid input."), errors={"file": [N_("Choose a photo to upload.")]})
    return photos.read_upload(file.stream)


_PHOTO_BODY = file_body(
    "image/jpeg, image/png, image/webp", finding_id={"type": "integer", "minimum": 1}
)


@blp.route("/inspections/<int:inspection_id>/photos")
class InspectionPhotos(MethodView):
    @blp.doc(requestBody=_PHOTO_BODY)
    @blp.response(201, PhotoOutSchema)
    @blp.alt_response(200, schema=PhotoOutSchema, description="The same photo was stored before")
    def post(self, inspection_id: int) -> Any:
        """Add a photo (multipart `file`, optional `finding_id`); a resent photo answers 200."""
        inspection = services.get_inspection(current_user, inspection_id)
        policy.require(current_user, "inspect", inspection.organization_id)
        finding = _finding_of(inspection, request.form.get("finding_id"))
        photo, created = photos.store_photo(
            _upload(), inspection=inspection, finding=finding, uploaded_by=current_user
        )
        commit()
        return photo, (201 if created else 200)


def _finding_of(inspection: Inspection, raw: str | None) -> Finding | None:
    if not raw:
        return None
    found = next((f for f in inspection.findings if str(f.id) == raw), None)
    if found is None:
        raise Invalid("finding", errors={"finding_id": ["Not a finding of this inspection."]})
    return found


@blp.route("/findings")
class Findings(MethodView):
    @blp.arguments(FindingQuerySchema, location="query")
    @blp.response(200, FindingOutSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Finding]:
        """List findings with their corrective actions, soonest due first."""
        return page_of(services.findings_query(current_user, **args), pagination_parameters)


def _action_body() -> dict[str, Any]:
    raw = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    return load(ActionNoteSchema(), raw or {})


@blp.route("/corrective-actions/<int:action_id>/fix")
class ActionFix(MethodView):
    @blp.response(200, CorrectiveActionOutSchema)
    def post(self, action_id: int) -> CorrectiveAction:
        """Mark a corrective action fixed (operator of the asset), with notes and a photo."""
        body = _action_body()
        action = actions.get_action(current_user, action_id)
        policy.require(current_user, "edit", actions.organization_of(action))
        if "file" in request.files:
            photos.store_photo(_upload(), action=action, uploaded_by=current_user)
        actions.mark_fixed(action, user=current_user, notes=body.get("notes"))
        commit()
        return action


@blp.route("/corrective-actions/<int:action_id>/verify")
class ActionVerify(MethodView):
    @blp.response(200, CorrectiveActionOutSchema)
    def post(self, action_id: int) -> CorrectiveAction:
        """Confirm a fix on site (inspector or regulator)."""
        return _inspector_step(action_id, actions.verify)


@blp.route("/corrective-actions/<int:action_id>/reopen")
class ActionReopen(MethodView):
    @blp.response(200, CorrectiveActionOutSchema)
    def post(self, action_id: int) -> CorrectiveAction:
        """Reopen a fix that did not hold (inspector or regulator)."""
        return _inspector_step(action_id, actions.reopen)


def _inspector_step(action_id: int, step: Any) -> CorrectiveAction:
    body = _action_body()
    action = actions.get_action(current_user, action_id)
    policy.require(current_user, "inspect", actions.organization_of(action))
    step(action, user=current_user, notes=body.get("notes"))
    commit()
    return action
