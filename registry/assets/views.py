"""Pages for tanks and pipelines: list, register, edit, close, history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from registry.assets import services
from registry.assets.models import Asset
from registry.assets.schemas import AssetCloseSchema
from registry.assets.schemas import AssetCreateSchema
from registry.assets.schemas import AssetOutSchema
from registry.assets.schemas import AssetPatchSchema
from registry.audit.services import history
from registry.auth import policy
from registry.compliance.onboarding import last_done_fields
from registry.compliance.states import in_state
from registry.compliance.states import list_states
from registry.compliance.states import state_arg
from registry.core.converters import id_arg
from registry.core.dates import today
from registry.core.forms import edit_versioned
from registry.core.forms import form_status
from registry.core.forms import submit
from registry.core.pagination import LIST_COUNT_CAP
from registry.core.pagination import after_arg
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.postgres import index_driven
from registry.core.schemas import patch
from registry.core.sorting import SortSpec
from registry.extensions import db
from registry.sites.models import Facility
from registry.sites.services import get_facility
from registry.sites.services import subdistricts

bp = Blueprint("assets", __name__)

FILTER_KEYS = (
    "q",
    "subdistrict",
    "facility_kind",
    "kind",
    "status",
    "substance",
    "wall",
    "organization_id",
    "facility_id",
)


ASSET_SORT = SortSpec(
    {
        "tag": (Asset.tag,),
        "facility": (Facility.name,),
        "reference": (Asset.operator_ref,),
        "kind": (Asset.kind,),
        "substance": (Asset.substance,),
        "status": (Asset.status,),
        "installed_on": (Asset.installed_on,),
    },
    tiebreak=Asset.id,
)


@bp.get("/assets")
@login_required
def asset_list() -> Any:
    """List tanks and pipelines with search, filters, sortable columns and compliance state."""
    filters: dict[str, Any] = {k: request.args.get(k) or None for k in FILTER_KEYS}
    for key in ("organization_id", "facility_id"):
        filters[key] = id_arg(request.args, key)
    filters["compliance"] = state_arg(request.args)
    sorting = ASSET_SORT.read(request.args)
    page, size = page_args(request.args)
    listing = services.asset_list(current_user, filters)
    org = filters.get("organization_id")
    # Filtering by state needs every state; else only the page's are computed, below.
    states = list_states(current_user, org, request.args) if filters["compliance"] else None
    paging: dict[str, Any] = {
        "after": (Asset.id, after_arg(request.args)),
        "counted": listing.counted,
        "when_capped": listing.walked,
    }
    if sorting.explicit or filters["compliance"]:
        # Another order or a filter on computed states: the list's own select, paged by offset
        # (the keyset and the id-ordered walk hold for the id order only).
        stmt = ASSET_SORT.apply(listing.page, sorting)
        if states is not None:
            stmt = stmt.where(in_state(Asset.id, states.assets, filters["compliance"]))
        paging = {}
    else:
        stmt = listing.page
    with index_driven(db.session, when=listing.searched):
        result = paginate(stmt, page=page, page_size=size, count_cap=LIST_COUNT_CAP, **paging)
    if states is None:
        ids = [a.id for a in result.items]
        states = list_states(current_user, org, request.args, asset_ids=ids)
    return render_template(
        "assets/list.html",
        page=result,
        filters=filters,
        states=states,
        sorting=sorting,
        subdistricts=subdistricts(),
    )


@bp.route("/assets/new", methods=["GET", "POST"])
@login_required
def asset_new() -> Any:
    """Register a tank or pipeline at a facility."""
    facility = get_facility(current_user, id_arg(request.args, "facility_id") or 0)
    policy.require(current_user, "create_asset", facility.organization_id)
    kind = "pipeline" if request.values.get("kind") == "pipeline" else "tank"
    values: dict[str, Any] = {"status": "in_service", "leak_detection": []}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        values = request.form.to_dict() | {"leak_detection": request.form.getlist("leak_detection")}
        form = request.form.copy()
        form["facility_id"] = str(facility.id)
        form["kind"] = kind
        done = submit(
            AssetCreateSchema(), form, lambda data: services.create_asset(data, by=current_user)
        )
        if done.ok:
            asset = done.saved
            flash(_("Registered. Its tag is %(tag)s.", tag=asset.tag), "success")
            return redirect(url_for("assets.asset_detail", asset_id=asset.id))
        errors = done.errors
    return render_template(
        "assets/form.html",
        asset=None,
        kind=kind,
        facility=facility,
        values=values,
        errors=errors,
        last_done=last_done_fields(kind),
        today_iso=today().isoformat(),
    ), form_status(errors)


@bp.get("/assets/<int:asset_id>")
@login_required
def asset_detail(asset_id: int) -> Any:
    """Show a tank or pipeline with its data and change history."""
    asset = services.get_asset(current_user, asset_id)
    return render_template("assets/detail.html", asset=asset, events=history("asset", asset.id))


def _edit(
    asset: Asset,
    template: str,
    extra: dict[str, Any] | None = None,
    schema: type[AssetPatchSchema] = AssetPatchSchema,
) -> Any:
    edit = edit_versioned(
        asset,
        patch(schema),
        lambda data, version: services.update_asset(asset, data, version=version, by=current_user),
        lambda: AssetOutSchema().dump(asset) | (extra or {}),
    )
    if edit is None:
        return redirect(url_for("assets.asset_detail", asset_id=asset.id))
    values, errors = edit
    if "leak_detection__present" in request.form:
        values["leak_detection"] = request.form.getlist("leak_detection")
    status = form_status(errors)
    return render_template(
        template,
        asset=asset,
        kind=asset.kind,
        facility=asset.facility,
        values=values,
        errors=errors,
    ), status


@bp.route("/assets/<int:asset_id>/edit", methods=["GET", "POST"])
@login_required
def asset_edit(asset_id: int) -> Any:
    """Change a tank's or pipeline's data."""
    asset = services.get_asset(current_user, asset_id)
    policy.require(current_user, "edit", asset.facility.organization_id)
    return _edit(asset, "assets/form.html")


@bp.route("/assets/<int:asset_id>/close", methods=["GET", "POST"])
@login_required
def asset_close(asset_id: int) -> Any:
    """Close an asset temporarily or retire it for good; it stays in the registry."""
    asset = services.get_asset(current_user, asset_id)
    policy.require(current_user, "edit", asset.facility.organization_id)
    if request.method == "POST" and request.form.get("status") not in (
        "temporarily_closed",
        "permanently_closed",
        "in_service",
    ):
        abort(400)
    return _edit(
        asset,
        "assets/close.html",
        {
            "closed_on": (asset.closed_on or today()).isoformat(),
            "status": "permanently_closed" if asset.status == "in_service" else asset.status,
        },
        AssetCloseSchema,
    )
