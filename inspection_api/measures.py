"""Program measures of a period: a thin merge of each domain's measures."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView

from inspection_api.common import make_blueprint
from inspection_api.common import role_required
from registry.core.dates import today
from registry.visits.measures import violation_measures
from registry.visits.schemas import MeasuresOutSchema
from registry.visits.schemas import MeasuresQuerySchema

PREFIX = ""
blp = make_blueprint("api_measures", __name__, "Program measures")


def half_year_start(day: date) -> date:
    """The first day of the half-year of a day (EPA reports twice a year)."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


@blp.route("/measures")
class Measures(MethodView):
    @role_required("see_measures")
    @blp.arguments(MeasuresQuerySchema, location="query")
    @blp.response(200, MeasuresOutSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Show the measures of a period (`from`, `to`; default this half-year to today)."""
        end = args.get("end") or today()
        start = args.get("start") or half_year_start(end)
        return {"start": start, "end": end, **violation_measures(start, end)}
