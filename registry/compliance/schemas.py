"""Schemas of activity records and reminders (API bodies and HTML forms alike)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import post_dump
from marshmallow import pre_dump
from marshmallow import validate

from registry.assets.tags import display
from registry.compliance.rules import active_pack
from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleDate
from registry.core.schemas import id_field
from registry.core.schemas import not_in_future

RESULTS = ("pass", "fail")


class RecordInSchema(BaseSchema):
    activity = fields.String(required=True, validate=validate.Length(max=60))
    performed_on = PlausibleDate(required=True, validate=not_in_future)
    result = fields.String(load_default="pass", validate=validate.OneOf(RESULTS))
    performed_by = fields.String(allow_none=True, validate=validate.Length(max=200))
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))
    readings = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        values=fields.Raw(),
        allow_none=True,
    )


class RecordEditSchema(RecordInSchema):
    version = fields.Integer(required=True)


def _locale() -> str:
    return str(get_locale() or "zh")


class RecordOutSchema(Schema):
    id = fields.Integer()
    asset_id = id_field(allow_none=True)
    facility_id = id_field()
    activity = fields.String()
    activity_title = fields.Method("_title")
    performed_on = fields.Date()
    result = fields.String()
    performed_by = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    readings = fields.Dict(allow_none=True)
    attachment_name = fields.String(allow_none=True)
    recorded_by_id = id_field(allow_none=True)
    created_at = fields.DateTime()
    version = fields.Integer()

    def _title(self, record: Any) -> str:
        activity = active_pack().activities.get(record.activity)
        return activity.title(_locale()) if activity else str(record.activity)


class ReminderQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # Bounded: due dates are computed years past as_of, and the calendar ends at year 9999.
    as_of = PlausibleDate(load_default=None)
    organization_id = id_field(load_default=None)


class ReminderOutSchema(Schema):
    asset_id = id_field(allow_none=True)
    asset_tag = fields.Method("_tag", allow_none=True)
    facility_id = id_field()
    organization_id = id_field()
    obligation = fields.String()
    title = fields.Method("_title")
    due_on = fields.Date()
    days_overdue = fields.Integer()
    state = fields.String(metadata={"enum": ["due_soon", "overdue", "no_record"]})
    release_id = fields.Function(
        lambda item: item.extra.get("release_id"), allow_none=True, metadata={"type": "integer"}
    )
    due_at = fields.Function(
        lambda item: item.extra["due_at"].isoformat() if "due_at" in item.extra else None,
        allow_none=True,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "to the hour, where the rule counts hours",
        },
    )

    violation_id = fields.Function(
        lambda item: item.extra.get("violation_id"),
        allow_none=True,
        metadata={"type": "integer", "description": "the open violation this reminder is of"},
    )

    operator_class = fields.Function(
        lambda item: item.extra.get("operator_class"),
        allow_none=True,
        metadata={"type": "string", "description": "operator_training: the class it is about"},
    )

    @post_dump
    def _only_its_own(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Leave out the fields of other sources (a release's, a violation's) it has none of."""
        for key in ("release_id", "due_at", "violation_id", "operator_class"):
            if data.get(key) is None:
                data.pop(key, None)
        return data

    def _tag(self, item: Any) -> str | None:
        return display(item.asset_tag) if item.asset_tag else None

    def _title(self, item: Any) -> str:
        return str(item.title(_locale()))


def iso_duration(interval: Any) -> str | None:
    """An interval as an ISO 8601 duration (P7D, P6M, P1Y), None for a one-off obligation."""
    if interval is None:
        return None
    if interval.days:
        return f"P{interval.days}D"
    if interval.years and not interval.months:
        return f"P{interval.years}Y"
    return f"P{interval.total_months}M"


class TitledSchema(Schema):
    code = fields.String()
    title = fields.Method("_title")

    def _title(self, row: Any) -> str:
        return str(row.title(_locale()))


class ObligationOutSchema(TitledSchema):
    scope = fields.String(metadata={"enum": ["asset", "facility"]})
    satisfied_by = fields.List(fields.String(), metadata={"description": "activity codes"})
    interval = fields.Method(
        "_interval",
        allow_none=True,
        metadata={"description": "ISO 8601 duration (P6M, P1Y); null: once", "type": "string"},
    )
    citation = fields.String()

    def _interval(self, row: Any) -> str | None:
        return iso_duration(row.interval)


class EventObligationOutSchema(TitledSchema):
    on = fields.String(
        metadata={
            "description": "installed, status:temporarily_closed, status:permanently_closed "
            "or substance:<substance code>"
        }
    )
    due = fields.Method(
        "_due",
        metadata={
            "type": "integer",
            "description": "the offset from the event in `due_unit` (negative: before it)",
        },
    )
    due_unit = fields.Method(
        "_unit", metadata={"type": "string", "enum": ["days", "months", "years"]}
    )
    satisfied_by = fields.List(fields.String(), metadata={"description": "activity codes"})
    citation = fields.String()
    assumed = fields.Boolean()

    def _due(self, row: Any) -> int:
        return int(row.offset[0])

    def _unit(self, row: Any) -> str:
        return str(row.offset[1])


class RulePackOutSchema(Schema):
    """The rule pack in force, titles in the reader's language."""

    code = fields.String()
    title = fields.String()
    activities = fields.List(fields.Nested(TitledSchema))
    obligations = fields.List(fields.Nested(ObligationOutSchema))
    event_obligations = fields.List(fields.Nested(EventObligationOutSchema))

    @pre_dump
    def _parts(self, pack: Any, **kwargs: Any) -> dict[str, Any]:
        return {
            "code": pack.code,
            "title": pack.title(_locale()),
            "activities": list(pack.activities.values()),
            "obligations": list(pack.obligations),
            "event_obligations": list(pack.event_obligations),
        }
