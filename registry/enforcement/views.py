"""Pages of red tags: place one on an asset, lift it, list those in force."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
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
from registry.assets.services import get_asset
from registry.auth import policy
from registry.core.confirm import confirmation_page
from registry.core.converters import id_arg
from registry.core.forms import submit
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.panels import add_panel
from registry.core.sorting import SortSpec
from registry.core.templating import add_nav_item
from registry.enforcement import services
from registry.enforcement.models import RedTag
from registry.enforcement.schemas import LiftFormSchema
from registry.enforcement.schemas import RedTagFormSchema
from registry.sites.models import Facility
from registry.sites.services import subdistricts

bp = Blueprint("enforcement", __name__)

add_panel("asset_detail", "enforcement/_asset_red_tags.html", 10)
add_panel("asset_actions", "enforcement/_asset_actions.html", 50)
add_panel("facility_actions", "enforcement/_facility_banner.html", 0)
add_panel("operator_home", "enforcement/_operator_red_tags.html", 0)
add_nav_item(
    "enforcement.red_tag_list",
    _l("Red tags"),
    lambda user: user.role in ("inspector", "regulator", "viewer"),
)


@bp.app_template_global()
def red_tag_record(asset: Asset) -> list[RedTag]:
    """Return every red tag of an asset, newest first."""
    return services.red_tags_of(asset.id)


@bp.app_template_global()
def my_red_tags() -> list[RedTag]:
    """Return the red tags in force on the current operator's assets (none for other roles)."""
    if not current_user.is_authenticated or current_user.role != "operator":
        return []
    return services.active_red_tags(current_user.organization_id)


@bp.app_template_global()
def facility_red_tags(facility: Any) -> list[RedTag]:
    """Return the red tags in force at a facility."""
    return services.active_red_tags(facility_id=facility.id)


def _confirm(asset: Asset, title: str, lines: list[str], act: str) -> Any:
    return confirmation_page(
        title=title,
        consequences=lines,
        button=_("Place red tag") if act == "place" else _("Lift red tag"),
        cancel_url=url_for("assets.asset_detail", asset_id=asset.id),
        danger=act == "place",
    )


@bp.route("/assets/<int:asset_id>/red-tag", methods=["GET", "POST"])
@login_required
def red_tag_place(asset_id: int) -> Any:
    """Place a red tag on an asset: deliveries prohibited (inspectors and regulators)."""
    asset = get_asset(current_user, asset_id)
    return _red_tag_act(
        asset,
        "place",
        RedTagFormSchema(),
        lambda data: services.place_red_tag(asset, placed_by=current_user, **data),
        lambda data: (_("Place a red tag?"), services.place_consequences(asset, **data)),
        _("Red tag placed: deliveries to this asset are prohibited."),
    )


@bp.route("/assets/<int:asset_id>/red-tag/lift", methods=["GET", "POST"])
@login_required
def red_tag_lift(asset_id: int) -> Any:
    """Lift an asset's red tag with a note (inspectors and regulators)."""
    asset = get_asset(current_user, asset_id)

    def consequences(data: dict[str, Any]) -> tuple[str, list[str]]:
        active = services.active_red_tag(asset.id)
        return _("Lift the red tag?"), services.lift_consequences(asset, active, note=data["note"])

    return _red_tag_act(
        asset,
        "lift",
        LiftFormSchema(),
        lambda data: services.lift_red_tag(asset, lifted_by=current_user, note=data["note"]),
        consequences,
        _("Red tag lifted: deliveries are allowed again."),
    )


def _red_tag_act(
    asset: Asset,
    act: str,
    schema: Any,
    action: Callable[[dict[str, Any]], Any],
    asking: Callable[[dict[str, Any]], tuple[str, list[str]]],
    done_message: str,
) -> Any:
    """Ask, then place or lift a red tag; the form again with its errors when refused."""
    policy.require(current_user, "red_tag", asset.facility.organization_id)
    values: dict[str, Any] = request.form.to_dict()
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done = submit(
            schema, request.form, action, confirm=lambda data: _confirm(asset, *asking(data), act)
        )
        if done.confirmation is not None:
            return done.confirmation
        if done.ok:
            flash(done_message, "success")
            return redirect(url_for("assets.asset_detail", asset_id=asset.id))
        errors, status = done.errors, done.status
    active = services.active_red_tag(asset.id)
    if act == "lift" and active is None and request.method == "GET":
        flash(_("This asset carries no red tag."), "info")
        return redirect(url_for("assets.asset_detail", asset_id=asset.id))
    return render_template(
        f"enforcement/{act}.html", asset=asset, active=active, values=values, errors=errors
    ), status


RED_TAG_SORT = SortSpec(
    {
        "asset": (Asset.tag,),
        "facility": (Facility.name,),
        "placed_at": (RedTag.placed_at,),
        "lifted_at": (RedTag.lifted_at,),
    },
    tiebreak=RedTag.id,
    default="placed_at",
    default_descending=True,
)


@bp.get("/red-tags")
@login_required
def red_tag_list() -> Any:
    """List red tags: those in force (default), lifted, or all."""
    filters: dict[str, Any] = {k: request.args.get(k) or None for k in ("state", "subdistrict")}
    if filters["state"] not in (None, "open", "lifted", "all"):
        filters["state"] = None
    filters["organization_id"] = id_arg(request.args, "organization_id")
    sorting = RED_TAG_SORT.read(request.args)
    page, size = page_args(request.args)
    stmt = RED_TAG_SORT.apply(services.red_tags_query(current_user, filters), sorting)
    result = paginate(stmt, page=page, page_size=size)
    return render_template(
        "enforcement/list.html",
        page=result,
        filters=filters,
        sorting=sorting,
        subdistricts=subdistricts(),
    )
