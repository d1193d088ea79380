"""Pages of monitoring: a facility's points, a point's readings and chart, the alert list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from markupsafe import Markup

from registry.auth import policy
from registry.compliance.services import register_reminder_source
from registry.core import choices
from registry.core.dates import show_date
from registry.core.dates import today
from registry.core.forms import load_form
from registry.core.forms import submit
from registry.core.panels import add_panel
from registry.core.templating import add_nav_item
from registry.exports import writers
from registry.extensions import db
from registry.monitoring import alerts as alert_service
from registry.monitoring import services
from registry.monitoring.chart import render_chart
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.schemas import PointInSchema
from registry.monitoring.schemas import ReadingInSchema
from registry.sites.services import get_facility

bp = Blueprint("monitoring", __name__)

add_panel("facility_detail", "monitoring/_facility_panel.html", 40)
add_panel("dashboard", "monitoring/_dashboard_tile.html", 50)
add_nav_item("monitoring.alert_list", _l("Monitoring alerts"), lambda user: user.is_authenticated)
register_reminder_source(alert_service.monitoring_alert_reminders)


@bp.app_template_global()
def monitoring_alerts(facility_id: int | None = None) -> list[alert_service.Alert]:
    """Return the alerts the current user may see (of one facility, or all)."""
    return alert_service.alerts(current_user, {"facility_id": facility_id})


@bp.app_template_global()
def monitoring_points(facility: Any) -> list[MonitoringPoint]:
    """Return a facility's monitoring points."""
    return services.points_of(facility.id)


@bp.route("/facilities/<int:facility_id>/monitoring", methods=["GET", "POST"])
@login_required
def facility_monitoring(facility_id: int) -> Any:
    """List a facility's monitoring points; POST adds one (owners, inspectors, regulators)."""
    facility = get_facility(current_user, facility_id)
    values: dict[str, Any] = request.form.to_dict()
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        policy.require(current_user, "record_monitoring", facility.organization_id)
        data, errors = load_form(PointInSchema(), request.form)
        status = 422
        if data is not None:
            point = services.create_point(facility, created_by=current_user, **data)
            db.session.commit()
            flash(_("Monitoring point added."), "success")
            return redirect(url_for("monitoring.point_detail", point_id=point.id))
    return render_template(
        "monitoring/facility.html",
        facility=facility,
        points=services.points_of(facility.id),
        alerts=alert_service.alerts(current_user, {"facility_id": facility.id}),
        values=values,
        errors=errors,
    ), status


def _charts(point: MonitoringPoint, series: dict[str, list[Any]]) -> list[dict[str, Any]]:
    out = []
    for parameter, readings in series.items():
        label = choices.label("monitoring_parameter", parameter)
        screening = services.screening_value(point.kind, parameter)
        svg = render_chart(
            # in the point's unit, whatever unit each reading was reported in
            [(r.sampled_on, r.converted_value) for r in readings],
            screening=screening,
            unit=point.unit,
            title=_("%(parameter)s at %(point)s", parameter=label, point=point.name),
            screening_label=_("screening value"),
            date_label=show_date,
        )
        out.append(
            {
                "parameter": parameter,
                "label": label,
                "screening": screening,
                "svg": Markup(svg),
                "readings": readings,
            }
        )  # noqa: S704 (escaped in chart)
    return out


@bp.get("/facilities/<int:facility_id>/monitoring/readings.<any(csv, xlsx):fmt>")
@login_required
def reading_export(facility_id: int, fmt: str) -> Response:
    """Export a facility's readings as reported (value, unit) and in the point's unit."""
    facility = get_facility(current_user, facility_id)
    header = list(services.READING_COLUMNS)
    rows = services.reading_rows(facility.id)
    name = f"monitoring-readings-{facility.id}-{today().isoformat()}"
    if fmt == "csv":
        # Built whole: a facility has a few hundred readings, and the session stays simple.
        response = Response("".join(writers.csv_chunks(header, rows)), mimetype="text/csv")
    else:
        path = writers.xlsx_file(header, rows, title="readings")
        response = Response(
            writers.file_chunks(path),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/monitoring-points/<int:point_id>", methods=["GET", "POST"])
@login_required
def point_detail(point_id: int) -> Any:
    """Show a point's readings and charts; POST records a reading (the form keeps its input)."""
    point = services.get_point(current_user, point_id)
    values: dict[str, Any] = request.form.to_dict() or {"unit": point.unit}
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        policy.require(current_user, "record_monitoring", point.organization_id)
        done = submit(
            ReadingInSchema(),
            request.form,
            lambda data: services.add_reading(point, entered_by=current_user, **data),
        )
        if done.ok:
            flash(_("Reading recorded."), "success")
            return redirect(url_for("monitoring.point_detail", point_id=point.id))
        errors, status = done.errors, done.status
    series = services.series_of(point.id)
    return render_template(
        "monitoring/point.html",
        point=point,
        charts=_charts(point, series),
        alerts=alert_service.alerts(current_user, {"point_id": point.id}),
        values=values,
        errors=errors,
    ), status


@bp.get("/alerts")
@login_required
def alert_list() -> Any:
    """List the monitoring alerts the user may see, newest first."""
    kind = request.args.get("kind")
    if kind not in ("exceedance", "rising_trend"):
        kind = None
    found = alert_service.alerts(current_user, {"kind": kind})
    return render_template("monitoring/alerts.html", alerts=found, kind=kind)
