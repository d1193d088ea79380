"""QR images of assets, the label print form and the label sheet PDF."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from registry.assets.services import get_asset
from registry.auth import policy
from registry.core.errors import Invalid
from registry.core.forms import load_form
from registry.core.panels import add_panel
from registry.core.storage import generated_file
from registry.labels import qr
from registry.labels import services
from registry.labels.schemas import LabelOptionsSchema
from registry.labels.sheets import DEFAULT_STOCK
from registry.labels.sheets import STOCKS
from registry.sites.services import get_facility

bp = Blueprint("labels", __name__)

add_panel("asset_actions", "labels/_asset_actions.html", 60)
add_panel("facility_actions", "labels/_facility_button.html", 30)


def _image(content: bytes, mimetype: str) -> Response:
    # A tag never changes; the base URL might, so caches keep it a day, not forever.
    return generated_file(content, mimetype, cache="private, max-age=86400")


@bp.get("/assets/<int:asset_id>/qr.svg")
@login_required
def qr_svg(asset_id: int) -> Any:
    """Send the QR code of an asset's landing page as SVG."""
    asset = get_asset(current_user, asset_id)
    return _image(qr.svg_bytes(asset.tag), "image/svg+xml")


@bp.get("/assets/<int:asset_id>/qr.png")
@login_required
def qr_png(asset_id: int) -> Any:
    """Send the QR code of an asset's landing page as PNG."""
    asset = get_asset(current_user, asset_id)
    return _image(qr.png_bytes(asset.tag), "image/png")


def _form(facility: Any, values: dict[str, Any], errors: dict[str, Any]) -> Any:
    return render_template(
        "labels/form.html",
        facility=facility,
        assets=services.facility_assets(facility),
        stocks=STOCKS,
        loopback=qr.base_url_is_loopback(),
        values=values,
        errors=errors,
    ), (422 if errors else 200)


@bp.get("/facilities/<int:facility_id>/labels")
@login_required
def label_form(facility_id: int) -> Any:
    """Choose the assets, the label stock and the first free position on the sheet."""
    facility = get_facility(current_user, facility_id)
    policy.require(current_user, "print_labels", facility.organization_id)
    values = {"stock": DEFAULT_STOCK, "start": 1, "asset": []}
    return _form(facility, values, {})


@bp.get("/facilities/<int:facility_id>/labels.pdf")
@login_required
def label_pdf(facility_id: int) -> Any:
    """Print the label sheet of a facility's assets (?stock=, ?start=, ?asset= repeated)."""
    facility = get_facility(current_user, facility_id)
    policy.require(current_user, "print_labels", facility.organization_id)
    data, errors = load_form(LabelOptionsSchema(), request.args)
    values = {
        "stock": request.args.get("stock", DEFAULT_STOCK),
        "start": request.args.get("start", 1),
        "asset": request.args.getlist("asset"),
    }
    if data is None:
        if isinstance(errors.get("asset"), dict):  # per-item messages of the list
            errors["asset"] = [m for msgs in errors["asset"].values() for m in msgs]
        return _form(facility, values, errors)
    try:
        assets = services.assets_to_print(facility, data["asset"])
        pdf = services.render_sheet(facility, assets, STOCKS[data["stock"]], data["start"])
    except Invalid as exc:
        return _form(facility, values, exc.errors)
    return generated_file(pdf, "application/pdf", f"labels-facility-{facility.id}.pdf")
