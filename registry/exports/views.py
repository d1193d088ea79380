"""Exports (CSV, XLSX, GeoJSON) of what the lists show; the bulk-import page and templates."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask import stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.core.dates import today
from registry.core.storage import generated_file
from registry.core.templating import add_nav_item
from registry.exports import services
from registry.exports import writers
from registry.exports.imports import import_assets
from registry.exports.rows import ASSET_COLUMNS
from registry.exports.rows import ASSET_FIELDS
from registry.exports.rows import FACILITY_COLUMNS
from registry.exports.rows import bilingual
from registry.extensions import db

bp = Blueprint("exports", __name__)
add_nav_item("exports.imports", _l("Import"), lambda user: policy.can(user, "import"))

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_TYPE = "application/geo+json"
_EXAMPLES = [
    ["", "tank", "T-01", "gasoline", "92#", "in_service", "2020-05-01", "", "double", "frp"]
    + ["none", "double_wall", "interstitial;atg", "30000", "1", "true", "true"]
    + ["", "", "", "", "", ""],
    ["", "pipeline", "P-01", "gasoline", "", "in_service", "2020-05-01", "", "double", "frp"]
    + ["none", "double_wall", "interstitial", "", "", "", ""]
    + ["pressurized", "40", "50", "true", "T-01", "dispenser 1"],
]


def _download(body: Any, mimetype: str, name: str) -> Response:
    stamp = today().isoformat()
    return generated_file(
        body, mimetype, f"{name}-{stamp}.{_ext(mimetype)}", as_attachment=True, cache="no-store"
    )


def _ext(mimetype: str) -> str:
    return {CSV_TYPE: "csv", XLSX_TYPE: "xlsx", GEOJSON_TYPE: "geojson"}[mimetype]


def _stream(chunks: Iterator[Any]) -> Iterator[Any]:
    """Stream chunks in the request's contexts, pushed again once the view has returned."""
    # The request's teardown runs before the first chunk: it ends the view's transaction and
    # removes its session, which expires and detaches every object loaded so far (the user
    # too). The generator then reads through a session of its own, which the teardown at the
    # end of the stream (or when the client goes away) closes; it must hold no ORM object of
    # the view, only plain values (see `policy.Requester`).
    return stream_with_context(chunks)


# name -> (columns, filter keys, rows(user, filters), (row, point) pairs(user, filters))
_SOURCES: dict[
    str, tuple[tuple[str, ...], tuple[str, ...], Callable[..., Any], Callable[..., Any]]
] = {
    "assets": (
        ASSET_COLUMNS,
        services.ASSET_FILTERS,
        services.asset_rows,
        services.asset_points,
    ),
    "facilities": (
        FACILITY_COLUMNS,
        services.FACILITY_FILTERS,
        services.facility_rows,
        services.facility_points,
    ),
}


def _export(name: str, fmt: str) -> Response:
    policy.require(current_user, "export")
    # Operators get their own organization's rows: the services scope the queries by it.
    user = policy.Requester.of(current_user)
    columns, keys, rows_of, points_of = _SOURCES[name]
    filters = services.filters_of(request.args, keys)
    header = list(columns)
    if fmt == "csv":
        chunks = writers.csv_chunks(header, rows_of(user, filters))
        return _download(_stream(chunks), CSV_TYPE, name)
    if fmt == "xlsx":
        path = writers.xlsx_file(header, rows_of(user, filters), title=name)
        return _download(writers.file_chunks(path), XLSX_TYPE, name)
    chunks = writers.geojson_chunks(header, points_of(user, filters))
    return _download(_stream(chunks), GEOJSON_TYPE, name)


@bp.get("/exports/<any(assets, facilities):name>.<any(csv, xlsx, geojson):fmt>")
@login_required
def export(name: str, fmt: str) -> Response:
    """Export assets or facilities with their compliance state, filtered like the lists."""
    return _export(name, fmt)


@bp.get("/imports/template.<any(csv, xlsx):fmt>")
@login_required
def template(fmt: str) -> Response:
    """The import template: bilingual headers and an example tank and pipeline."""
    policy.require(current_user, "import")
    header = [bilingual(f) for f in ASSET_FIELDS]
    if fmt == "csv":
        return _download("".join(writers.csv_chunks(header, _EXAMPLES)), CSV_TYPE, "import")
    path = writers.xlsx_file(header, _EXAMPLES, title="assets")
    return _download(writers.file_chunks(path), XLSX_TYPE, "import")


@bp.route("/imports", methods=["GET", "POST"])
@login_required
def imports() -> Any:
    """Upload a CSV or XLSX of tanks and pipelines; show what was imported or every bad row."""
    policy.require(current_user, "import")
    report = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        report = import_assets(current_user, data, upload.filename if upload else None)
        if report.errors:
            db.session.rollback()
        else:
            db.session.commit()
    status = 422 if report is not None and report.errors else 200
    title = _("Import tanks and pipelines")
    return render_template("exports/imports.html", report=report, title=title), status
