"""The program's measures for a period (regulators and viewers): each domain's, merged."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView
from marshmallow import fields

from inspection_api.common import make_blueprint
from inspection_api.common import role_required
from registry.core.dates import today
from registry.releases.measures import measures as release_measures
from registry.visits.measures import violation_measures
from registry.visits.schemas import MeasuresOutSchema
from registry.visits.schemas import MeasuresQuerySchema

PREFIX = "/measures"
blp = make_blueprint("api_measures", __name__, "Measures")


class ProgramMeasuresSchema(MeasuresOutSchema):
    """Compliance inspections (SOC, return to compliance) and releases of a period."""

    releases_suspected = fields.Integer()
    releases_confirmed = fields.Integer()
    releases_closed = fields.Integer()
    releases_open = fields.Integer(metadata={"description": "open at the end of the period"})
    reported_on_time_pct = fields.Float(allow_none=True)
    assets_in_service = fields.Integer()
    assets_overdue = fields.Integer(metadata={"description": "with an overdue obligation on `to`"})
    inspections = fields.Integer()


def half_year_start(day: date) -> date:
    """The first day of the half-year of a day (EPA reports twice a year)."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


@blp.route("")
class Measures(MethodView):
    @role_required("view_measures")
    @blp.arguments(MeasuresQuerySchema, location="query")
    @blp.response(200, ProgramMeasuresSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Show the measures of a period (`from`, `to`; default this half-year to today)."""
        end = args.get("end") or today()
        start = args.get("start") or half_year_start(end)
        return {
            "start": start,
            "end": end,
            **release_measures(start, end),
            **violation_measures(start, end),
        }
