"""Choose the assets of a label print and render the sheet to PDF with WeasyPrint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from weasyprint import HTML

from registry.assets import tags
from registry.assets.models import Asset
from registry.certificates.pdf import _RENDER_LOCK
from registry.certificates.pdf import INTERNAL_BASE
from registry.certificates.pdf import ResourceFetcher
from registry.certificates.pdf import font_url
from registry.core.choices import label
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.extensions import db
from registry.labels import qr
from registry.labels.sheets import PAGE_HEIGHT
from registry.labels.sheets import PAGE_WIDTH
from registry.labels.sheets import Stock
from registry.labels.sheets import slots
from registry.sites.models import Facility


def facility_assets(facility: Facility) -> list[Asset]:
    """Return a facility's assets in label order: tanks first, then by the operator's number."""
    stmt = (
        select(Asset)
        .where(Asset.facility_id == facility.id)
        .order_by(Asset.kind.desc(), Asset.operator_ref, Asset.id)
    )
    return list(db.session.scalars(stmt))


def assets_to_print(facility: Facility, asset_ids: Sequence[int]) -> list[Asset]:
    """Return the chosen assets (default: all not permanently closed); others are refused."""
    assets = facility_assets(facility)
    if not asset_ids:
        return [a for a in assets if a.status != "permanently_closed"]
    by_id = {a.id: a for a in assets}
    unknown = [i for i in asset_ids if i not in by_id]
    if unknown:
        raise Invalid(
            N_("Invalid input."), errors={"asset": [N_("Not a tank or pipeline of this facility.")]}
        )
    chosen = set(asset_ids)
    return [a for a in assets if a.id in chosen]


def size_text(asset: Asset) -> str:
    """Return the capacity of a tank or the length of a pipeline, with its unit."""
    if asset.kind == "tank":
        litres = getattr(asset, "capacity_litres", None)
        return _("%(n)s L", n=format_decimal(litres, "#,##0")) if litres else ""
    length = getattr(asset, "length_m", None)
    return _("%(n)s m", n=format_decimal(length, "#,##0.#")) if length else ""


def label_content(facility: Facility, asset: Asset) -> dict[str, Any]:
    """Return what one label shows, in the current language."""
    return {
        "tag": asset.tag,
        "grouped": tags.display(asset.tag),
        "url": qr.landing_url(asset.tag),
        "facility": facility.name,
        "kind": label("asset_kind", asset.kind),
        "operator_ref": asset.operator_ref or "",
        "substance": label("substance", asset.substance),
        "size": size_text(asset),
    }


def sheet_html(facility: Facility, assets: Sequence[Asset], stock: Stock, start: int) -> str:
    """Return the HTML of the label sheets (one A4 page per sheet)."""
    places = slots(stock, len(assets), start)
    labels = []
    for asset, slot in zip(assets, places, strict=True):
        labels.append(
            label_content(facility, asset) | {"slot": slot, "qr": qr.png_data_uri(asset.tag)}
        )
    sheets = [[lb for lb in labels if lb["slot"].sheet == n] for n in range(places[-1].sheet + 1)]
    return render_template(
        "labels/sheet.html",
        sheets=sheets,
        stock=stock,
        page_width=PAGE_WIDTH,
        page_height=PAGE_HEIGHT,
        font_url=font_url(),
        facility=facility,
    )


def render_sheet(facility: Facility, assets: Sequence[Asset], stock: Stock, start: int) -> bytes:
    """Render the label sheets of the assets to PDF."""
    if not assets:
        raise Invalid(N_("Invalid input."), errors={"asset": [N_("Choose at least one asset.")]})
    html = sheet_html(facility, assets, stock, start)
    with _RENDER_LOCK:
        document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=ResourceFetcher())
        return document.write_pdf(pdf_identifier=b"ust-registry-labels")  # type: ignore[no-any-return]
