"""The /map page: a Leaflet map (vendored under static/) of what the features API returns."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import make_response
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from registry.compliance.states import STATE_LABELS
from registry.core import choices
from registry.core.security import CSP
from registry.core.templating import add_nav_item
from registry.sites.services import subdistricts

bp = Blueprint("maps", __name__)
add_nav_item("maps.map_page", _l("Map"), lambda user: user.is_authenticated)


def _labels() -> dict[str, Any]:
    """The words the page's script shows, in the request's language."""
    return {
        "states": {code: str(label) for code, label in STATE_LABELS.items()},
        "receptor_kinds": {code: str(label) for code, label in choices.RECEPTOR_KINDS.items()},
        "facility_kinds": {code: str(label) for code, label in choices.FACILITY_KINDS.items()},
        "red_tagged": _("Red tag: deliveries prohibited"),
        "open_release": _("Open release"),
        "near_receptor": _("Near a receptor"),
        "nearest_receptor_m": _("Nearest receptor (m)"),
        "open_facility": _("Open the facility"),
        "point": _("Monitoring point"),
        "open_alerts": _("Open alerts"),
        "release": _("Release"),
        "district": _("District boundary"),
        "facilities": _("Facilities"),
        "releases": _("Open releases"),
        "points": _("Monitoring points"),
        "receptors": _("Receptors"),
        "load_failed": _("The map's data could not be loaded."),
        "shown": _("%(count)s facilities shown", count="{count}"),
    }


def _csp() -> str:
    """The CSP, with the tile host allowed to serve images when MAP_TILE_URL names one."""
    tile_url = current_app.config.get("MAP_TILE_URL") or ""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if not tile_url or not parts.scheme or not parts.netloc:
        return CSP
    origin = f"{parts.scheme}://{urlsplit(tile_url).netloc}".replace("{s}", "*")
    return CSP.replace("img-src 'self'", f"img-src 'self' {origin}")


@bp.route("/map")
@login_required
def map_page() -> Any:
    """Show the map: facilities by state, releases, monitoring points and receptors."""
    bounds = current_app.config["DISTRICT_BOUNDS"]
    settings = {
        "features_url": url_for("api_map.MapFeatures"),
        "facility_url": url_for("sites.facility_detail", facility_id=0),
        "tile_url": current_app.config.get("MAP_TILE_URL") or "",
        "attribution": current_app.config.get("MAP_ATTRIBUTION") or "",
        "tile_crs": current_app.config.get("MAP_TILE_CRS") or "wgs84",
        "bounds": [bounds.min_lon, bounds.min_lat, bounds.max_lon, bounds.max_lat],
        "labels": _labels(),
    }
    html = render_template(
        "maps/map.html",
        settings=settings,
        states=STATE_LABELS,
        kinds=choices.FACILITY_KINDS,
        subdistricts=subdistricts(),
    )
    response = make_response(html)
    response.headers["Content-Security-Policy"] = _csp()
    return response
