"""The program's measures for a period (regulators and viewers)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields

from inspection_api.common import make_blueprint
from inspection_api.common import role_required
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.schemas import PlausibleDate
from registry.core.schemas import translate_errors
from registry.releases.measures import measures

PREFIX = "/measures"
blp = make_blueprint("api_measures", __name__, "Measures")


class MeasuresQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = PlausibleDate(data_key="from", load_default=None)
    to = PlausibleDate(load_default=None)


class MeasuresSchema(Schema):
    releases_suspected = fields.Integer()
    releases_confirmed = fields.Integer()
    releases_closed = fields.Integer()
    releases_open = fields.Integer(metadata={"description": "open at the end of the period"})
    reported_on_time_pct = fields.Float(allow_none=True)
    assets_in_service = fields.Integer()
    assets_overdue = fields.Integer(metadata={"description": "with an overdue obligation on `to`"})
    inspections = fields.Integer()


@blp.route("")
class Measures(MethodView):
    @role_required("view_measures")
    @blp.arguments(MeasuresQuerySchema, location="query")
    @blp.response(200, MeasuresSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Count the period's releases, reports on time, assets and inspections."""
        end: date = args.get("to") or today()
        begin: date = args.get("from_") or date(end.year - 1, end.month, 1)
        if begin > end:
            abort(
                422,
                errors=translate_errors({"query": {"from": [N_("Must not be after the end.")]}}),
            )
        return measures(begin, end)
