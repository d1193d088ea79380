"""Pages of releases: the queue, a release with its steps, the forms that move it, the public list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import render_template

from registry.compliance.services import register_reminder_source
from registry.releases import auto
from registry.releases import public
from registry.releases.reminders import release_reminders

bp = Blueprint("releases", __name__)
register_reminder_source(release_reminders)


@bp.record_once
def _listen(state: Any) -> None:
    """Open releases by themselves from failed detection records and monitoring alerts."""
    auto.connect()


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
