"""Releases: suspected, confirmed or not, closed; their steps and clocks."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import file_body
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.releases import services
from registry.releases.models import Release
from registry.releases.models import ReleaseEvidence
from registry.releases.models import ReleaseStep
from registry.releases.schemas import CloseSchema
from registry.releases.schemas import ConfirmSchema
from registry.releases.schemas import EvidenceOutSchema
from registry.releases.schemas import NotConfirmedSchema
from registry.releases.schemas import ReleaseInSchema
from registry.releases.schemas import ReleaseQuerySchema
from registry.releases.schemas import ReleaseSchema
from registry.releases.schemas import StepDoneSchema
from registry.releases.schemas import StepOutSchema
from registry.releases.schemas import StepRequestSchema
from registry.sites.services import get_facility

PREFIX = "/releases"
blp = make_blueprint("api_releases", __name__, "Releases")


def _found(release_id: int, **_: Any) -> Release:
    return services.get_release(current_user, release_id)


def _acting(release_id: int, action: str) -> Release:
    release = services.get_release(current_user, release_id)
    policy.require(current_user, action, release.organization_id)
    return release


@blp.route("")
class Releases(MethodView):
    @blp.arguments(ReleaseQuerySchema, location="query")
    @blp.response(200, ReleaseSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Release]:
        """List the releases the caller may see, newest discovery first."""
        return page_of(services.releases_query(current_user, args), pagination_parameters)

    @role_required("report_release")
    @blp.arguments(ReleaseInSchema)
    @blp.response(201, ReleaseSchema)
    def post(self, data: dict[str, Any]) -> Release:
        """Report a suspected release (the facility's operator, inspectors, regulators)."""
        facility = get_facility(current_user, data.pop("facility_id"))
        policy.require(current_user, "report_release", facility.organization_id)
        release = services.open_release(facility, data, opened_by=current_user)
        commit()
        return release


@blp.route("/<int:release_id>")
class ReleaseDetail(MethodView):
    @blp.response(200, ReleaseSchema)
    def get(self, release_id: int) -> Release:
        """Show a release with its steps, their deadlines, and its evidence."""
        return _found(release_id)


@blp.route("/<int:release_id>/steps/<code>")
class ReleaseStepDone(MethodView):
    @role_required("report_release", found=_found)
    @blp.arguments(StepDoneSchema)
    @blp.response(200, StepOutSchema)
    def post(self, data: dict[str, Any], release_id: int, code: str) -> ReleaseStep:
        """Record a step as done `{done_at, notes}`; 409 once the release is no longer open."""
        release = _acting(release_id, "report_release")
        step = services.record_step(release, code, by=current_user, **data)
        commit()
        return step


@blp.route("/<int:release_id>/steps/<code>/request")
class ReleaseStepRequest(MethodView):
    @role_required("close_release", found=_found)
    @blp.arguments(StepRequestSchema)
    @blp.response(200, StepOutSchema)
    def post(self, data: dict[str, Any], release_id: int, code: str) -> ReleaseStep:
        """Ask for a step that runs on request (a corrective action plan) by `due_at`."""
        release = _acting(release_id, "close_release")
        step = services.request_step(release, code, **data)
        commit()
        return step


_FILE_BODY = file_body(
    "application/pdf, image/jpeg, image/png", note={"type": "string", "maxLength": 2000}
)


@blp.route("/<int:release_id>/evidence")
class ReleaseEvidenceFiles(MethodView):
    @role_required("report_release", found=_found)
    @blp.doc(requestBody=_FILE_BODY)
    @blp.response(201, EvidenceOutSchema)
    def post(self, release_id: int) -> ReleaseEvidence:
        """Attach a file or photo (multipart `file`, optional `note`) as evidence."""
        release = _acting(release_id, "report_release")
        note = (request.form.get("note") or "").strip()[:2000] or None
        item = services.attach_file(
            release, request.files.get("file"), note=note, by=current_user
        )
        commit()
        return item


@blp.route("/<int:release_id>/confirm")
class ReleaseConfirm(MethodView):
    @role_required("report_release", found=_found)
    @blp.arguments(ConfirmSchema)
    @blp.response(200, ReleaseSchema)
    def post(self, data: dict[str, Any], release_id: int) -> Release:
        """Confirm a suspected release `{confirmed_at}`; its cleanup clocks start."""
        release = _acting(release_id, "report_release")
        services.confirm(release, by=current_user, **data)
        commit()
        return release


@blp.route("/<int:release_id>/not-confirmed")
class ReleaseNotConfirmed(MethodView):
    @role_required("report_release", found=_found)
    @blp.arguments(NotConfirmedSchema)
    @blp.response(200, ReleaseSchema)
    def post(self, data: dict[str, Any], release_id: int) -> Release:
        """End a suspected release as not confirmed `{reason}` (e.g. 40 CFR 280.50(c))."""
        release = _acting(release_id, "report_release")
        services.not_confirmed(release, by=current_user, **data)
        commit()
        return release


@blp.route("/<int:release_id>/close")
class ReleaseClose(MethodView):
    @role_required("close_release", found=_found)
    @blp.arguments(CloseSchema)
    @blp.response(200, ReleaseSchema)
    def post(self, data: dict[str, Any], release_id: int) -> Release:
        """Close a confirmed release `{closed_on, reason}` (regulators only)."""
        release = _acting(release_id, "close_release")
        services.close(release, by=current_user, **data)
        commit()
        return release
