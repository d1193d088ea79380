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
from registry.core.http import safe_next
from registry.core.panels import add_panel
from registry.core.sorting import SortSpec
from registry.core.storage import generated_file
from registry.core.templating import add_nav_item
from registry.exports import writers
from registry.extensions import db
from registry.monitoring import alerts as alert_service
from registry.monitoring import services
from registry.monitoring.acknowledgements import acknowledge
from registry.monitoring.acknowledgements import get_alert
from registry.monitoring.chart import render_chart
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.schemas import AcknowledgeSchema
from registry.monitoring.schemas import PointInSchema
from registry.monitoring.schemas import ReadingInSchema
from registry.sites.services import get_facility

bp = Blueprint("monitoring", __name__)

add_panel("facility_detail", "monitoring/_facility_panel.html", 40)
add_panel("dashboard", "monitoring/_dashboard_tile.html", 50)
add_nav_item("monitoring.alert_list", _l("Monitoring alerts"))
register_reminder_source(alert_service.monitoring_alert_reminders)


@bp.app_template_global()
def monitoring_alerts(facility_id: int | None = None) -> list[alert_service.Alert]:
    """Return the open (unacknowledged) alerts the current user may see (of one facility, or
    all): what needs someone's attention."""
    return alert_service.alerts(current_user, {"facility_id": facility_id, "acknowledged": False})


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
        body: Any = "".join(writers.csv_chunks(header, rows))
        mimetype = "text/csv"
    else:
        body = writers.file_chunks(writers.xlsx_file(header, rows, title="readings"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return generated_file(body, mimetype, f"{name}.{fmt}", as_attachment=True, cache="no-store")


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


ALERT_SORT_KEYS: dict[str, Any] = {
    "kind": lambda a: a.kind,
    "facility": lambda a: a.facility_name,
    "point": lambda a: a.point_name,
    "parameter": lambda a: a.parameter,
    "raised_on": lambda a: a.raised_on,
}
# Alerts are computed from the readings, in Python: they are sorted there (all of them are
# on the one page), by the same whitelist rules as the lists sorted in SQL.
ALERT_SORT = SortSpec(
    dict.fromkeys(ALERT_SORT_KEYS, ()), tiebreak=None, default="raised_on", default_descending=True
)


@bp.get("/alerts")
@login_required
def alert_list() -> Any:
    """List the monitoring alerts the user may see: open ones (default) or all, sortable."""
    kind = request.args.get("kind")
    if kind not in ("exceedance", "rising_trend"):
        kind = None
    state = "all" if request.args.get("state") == "all" else "open"
    acknowledged = None if state == "all" else False
    found = alert_service.alerts(current_user, {"kind": kind, "acknowledged": acknowledged})
    sorting = ALERT_SORT.read(request.args)
    if sorting.explicit and sorting.key:
        found.sort(key=lambda a: a.id)  # the tiebreak: stable under the sort below
        found.sort(key=ALERT_SORT_KEYS[sorting.key], reverse=sorting.descending)
    return render_template(
        "monitoring/alerts.html", alerts=found, kind=kind, state=state, sorting=sorting
    )


@bp.route("/alerts/<alert_id>/acknowledge", methods=["GET", "POST"])
@login_required
def alert_acknowledge(alert_id: str) -> Any:
    """Acknowledge an alert with a note (its facility's operators, inspectors, regulators)."""
    alert = get_alert(current_user, alert_id)
    policy.require(current_user, "record_monitoring", alert.organization_id)
    back = safe_next(request.values.get("next")) or url_for("monitoring.alert_list")
    values: dict[str, Any] = request.form.to_dict()
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done = submit(
            AcknowledgeSchema(),
            request.form,
            lambda data: acknowledge(alert, note=data["note"], by=current_user),
        )
        if done.ok:
            flash(_("Alert acknowledged."), "success")
            return redirect(back)
        errors, status = done.errors, done.status
    return render_template(
        "monitoring/acknowledge.html",
        alert=alert,
        values=values,
        errors=errors,
        back=back,
    ), status
