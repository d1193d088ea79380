"""Pages of releases: the queue, a release and its steps, the forms that act, the public list."""

from __future__ import annotations

from datetime import timedelta
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

from registry.assets.models import Asset
from registry.auth import policy
from registry.compliance.services import register_reminder_source
from registry.compliance.uploads import send_attachment
from registry.core.converters import id_arg
from registry.core.dates import today
from registry.core.errors import DomainError
from registry.core.forms import errors_of
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.panels import add_panel
from registry.core.templating import add_nav_item
from registry.extensions import db
from registry.releases import auto
from registry.releases import clocks
from registry.releases import public
from registry.releases import queries
from registry.releases import services
from registry.releases.acts import ACTS
from registry.releases.acts import act_on
from registry.releases.forms import load_local
from registry.releases.measures import measures
from registry.releases.models import OPEN_STATES
from registry.releases.models import STATES
from registry.releases.models import Release
from registry.releases.reminders import release_reminders
from registry.releases.schemas import ReleaseFormSchema
from registry.releases.schemas import StepDoneSchema
from registry.sites.services import get_facility

bp = Blueprint("releases", __name__)
register_reminder_source(release_reminders)
add_nav_item("releases.release_list", _l("Releases"), lambda user: user.is_authenticated)
add_panel("facility_actions", "releases/_facility_panel.html", 30)
add_panel("dashboard_sections", "releases/_measures.html", 10)
add_panel("operator_home", "releases/_operator_releases.html", 10)


@bp.record_once
def _listen(state: Any) -> None:
    """Open releases by themselves from failed detection records and monitoring alerts."""
    auto.connect()


@bp.app_template_global()
def release_measures() -> dict[str, Any]:
    """The measures of the last twelve months, for the regulator's dashboard."""
    end = today()
    return measures(end - timedelta(days=365), end)


@bp.app_template_global()
def my_open_releases() -> list[Any]:
    """Return the current operator's open releases, oldest first (none for other roles)."""
    if not policy.is_operator(current_user):
        return []
    filters = {"state": None, "facility_id": None}
    stmt = queries.queue_query(current_user, filters).where(Release.state.in_(OPEN_STATES))
    return list(db.session.scalars(stmt.limit(20)))


@bp.app_template_global()
def now_utc() -> Any:
    """Return the current moment (UTC), to tell overdue steps apart."""
    return services.utcnow()


@bp.app_template_global()
def release_step_rule(code: str) -> Any:
    """Return the pack's rule of a step (title, citation, note)."""
    return clocks.step_rule(code)


@bp.get("/releases")
@login_required
def release_list() -> Any:
    """List releases: overdue steps first, then open ones by age, then ended ones."""
    state = request.args.get("state") or None
    filters: dict[str, Any] = {"state": state if state in STATES else None}
    filters["facility_id"] = id_arg(request.args, "facility_id")
    page, size = page_args(request.args)
    result = paginate(queries.queue_query(current_user, filters), page=page, page_size=size)
    return render_template("releases/list.html", page=result, filters=filters)


@bp.route("/facilities/<int:facility_id>/releases/new", methods=["GET", "POST"])
@login_required
def release_new(facility_id: int) -> Any:
    """Report a suspected release at a facility (its operator, inspectors, regulators)."""
    facility = get_facility(current_user, facility_id)
    policy.require(current_user, "report_release", facility.organization_id)
    values: dict[str, Any] = request.form.to_dict()
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        data, errors = load_local(ReleaseFormSchema(), request.form)
        status = 422
        if data is not None:
            try:
                release = services.open_release(facility, data, opened_by=current_user)
                db.session.commit()
                flash(_("Release %(number)s opened.", number=release.number), "success")
                return redirect(url_for("releases.release_detail", release_id=release.id))
            except DomainError as exc:
                db.session.rollback()
                errors, status = errors_of(exc), exc.status
    assets = db.session.scalars(
        facility.assets.select().order_by(  # type: ignore[attr-defined]
            Asset.kind, Asset.operator_ref, Asset.id
        )
    ).all()
    return render_template(
        "releases/new.html", facility=facility, assets=assets, values=values, errors=errors
    ), status


@bp.get("/releases/<int:release_id>")
@login_required
def release_detail(release_id: int) -> Any:
    """Show a release: its steps and clocks, what to record, its evidence and its timeline."""
    release = services.get_release(current_user, release_id)
    return _detail(release, {}, {}, 200)


def _detail(release: Any, values: dict[str, Any], errors: dict[str, Any], status: int) -> Any:
    return render_template(
        "releases/detail.html",
        release=release,
        values=values,
        errors=errors,
        events=queries.timeline(release),
        now=services.utcnow(),
    ), status


@bp.post("/releases/<int:release_id>/steps/<code>")
@login_required
def step_done(release_id: int, code: str) -> Any:
    """Record a step of a release as done, with notes."""
    release = services.get_release(current_user, release_id)
    policy.require(current_user, "report_release", release.organization_id)
    data, errors = load_local(StepDoneSchema(), request.form)
    if data is not None:
        try:
            services.record_step(release, code, by=current_user, **data)
            db.session.commit()
            flash(_("Step recorded."), "success")
            return redirect(url_for("releases.release_detail", release_id=release.id))
        except DomainError as exc:
            db.session.rollback()
            errors = errors_of(exc)
            release = services.get_release(current_user, release_id)
            return _detail(release, request.form.to_dict(), {code: errors}, exc.status)
    return _detail(release, request.form.to_dict(), {code: errors}, 422)


@bp.post("/releases/<int:release_id>/confirm")
@login_required
def release_confirm(release_id: int) -> Any:
    """Confirm a suspected release (the facility's operator, inspectors, regulators)."""
    return _act(release_id, "confirm")


@bp.post("/releases/<int:release_id>/not-confirmed")
@login_required
def release_not_confirmed(release_id: int) -> Any:
    """End a suspected release as not confirmed, with the reason."""
    return _act(release_id, "not-confirmed")


@bp.post("/releases/<int:release_id>/close")
@login_required
def release_close(release_id: int) -> Any:
    """Close a confirmed release (regulators only)."""
    return _act(release_id, "close")


def _act(release_id: int, act: str) -> Any:
    release = services.get_release(current_user, release_id)
    policy.require(current_user, ACTS[act].action, release.organization_id)
    return act_on(release, act, lambda v, e, s: _detail(release, v, {act: e}, s))


@bp.post("/releases/<int:release_id>/evidence")
@login_required
def evidence_add(release_id: int) -> Any:
    """Attach a file or photo to a release as evidence, with a note."""
    release = services.get_release(current_user, release_id)
    policy.require(current_user, "report_release", release.organization_id)
    note = (request.form.get("note") or "").strip()[:2000] or None
    try:
        services.attach_file(release, request.files.get("file"), note=note, by=current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        release = services.get_release(current_user, release_id)
        return _detail(release, request.form.to_dict(), {"evidence": errors_of(exc)}, exc.status)
    flash(_("Evidence attached."), "success")
    return redirect(url_for("releases.release_detail", release_id=release.id))


@bp.get("/releases/<int:release_id>/evidence/<int:evidence_id>")
@login_required
def evidence_file(release_id: int, evidence_id: int) -> Any:
    """Download a file attached to a release."""
    release = services.get_release(current_user, release_id)
    item = next((e for e in release.evidence if e.id == evidence_id and e.file_path), None)
    if item is None or item.file_path is None:
        abort(404)
    return send_attachment(item.file_path, item.file_type, item.file_name)


@bp.get("/releases/public")
def public_list() -> Any:
    """List the confirmed releases for anyone: number, facility, state, dates."""
    rows = [public.public_row(r) for r in public.public_releases()]
    return render_template("releases/public.html", rows=rows)


@bp.get("/exports/releases.geojson")
def public_geojson() -> Response:
    """Export the confirmed releases as GeoJSON for anyone (no personal data)."""
    chunks = "".join(public.geojson_chunks(public.public_releases()))
    return Response(chunks, mimetype="application/geo+json")
