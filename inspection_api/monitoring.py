"""Monitoring points of a facility, their readings, and the alerts they raise."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.monitoring import services
from registry.monitoring.alerts import Alert
from registry.monitoring.alerts import alerts
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.models import MonitoringReading
from registry.monitoring.schemas import AlertQuerySchema
from registry.monitoring.schemas import AlertSchema
from registry.monitoring.schemas import PointInSchema
from registry.monitoring.schemas import PointSchema
from registry.monitoring.schemas import ReadingInSchema
from registry.monitoring.schemas import ReadingSchema
from registry.sites.services import get_facility

PREFIX = ""
blp = make_blueprint("api_monitoring", __name__, "Monitoring")


@blp.route("/facilities/<int:facility_id>/monitoring-points")
class FacilityMonitoringPoints(MethodView):
    @blp.response(200, PointSchema(many=True))
    def get(self, facility_id: int) -> list[MonitoringPoint]:
        """List a facility's monitoring points."""
        facility = get_facility(current_user, facility_id)
        return services.points_of(facility.id)

    @role_required("record_monitoring")
    @blp.arguments(PointInSchema)
    @blp.response(201, PointSchema)
    def post(self, data: dict[str, Any], facility_id: int) -> MonitoringPoint:
        """Add a monitoring point (operators of the facility, inspectors, regulators)."""
        facility = get_facility(current_user, facility_id)
        policy.require(current_user, "record_monitoring", facility.organization_id)
        point = services.create_point(facility, created_by=current_user, **data)
        commit()
        return point


@blp.route("/monitoring-points/<int:point_id>/readings")
class PointReadings(MethodView):
    @blp.response(200, ReadingSchema(many=True))
    def get(self, point_id: int) -> list[MonitoringReading]:
        """List a point's readings, by parameter and sampling date."""
        point = services.get_point(current_user, point_id)
        return services.readings_of(point.id)

    @role_required("record_monitoring")
    @blp.arguments(ReadingInSchema)
    @blp.response(201, ReadingSchema)
    def post(self, data: dict[str, Any], point_id: int) -> MonitoringReading:
        """Record a reading `{parameter, value, unit, sampled_on}` in the point's unit."""
        point = services.get_point(current_user, point_id)
        policy.require(current_user, "record_monitoring", point.organization_id)
        reading = services.add_reading(point, entered_by=current_user, **data)
        commit()
        return reading


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.arguments(AlertQuerySchema, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Alert]:
        """List the monitoring alerts the caller may see, newest first."""
        found = alerts(current_user, args)
        return page_of(found, pagination_parameters)
