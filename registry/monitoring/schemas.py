"""Validation and output of monitoring points, readings and alerts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields
from marshmallow import validate

from registry.audit.labels import FIELD_LABELS
from registry.core import choices
from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleDate
from registry.core.schemas import choice
from registry.core.schemas import id_field
from registry.core.schemas import not_in_future

POINT_KIND_LABELS = {
    "groundwater_well": _l("Groundwater monitoring well"),
    "soil_gas_probe": _l("Soil-gas probe"),
    "soil": _l("Soil sampling point"),
}
PARAMETER_LABELS = {
    "tph": _l("Total petroleum hydrocarbons (C10–C40)"),
    "benzene": _l("Benzene"),
    "toluene": _l("Toluene"),
    "ethylbenzene": _l("Ethylbenzene"),
    "xylenes": _l("Xylenes"),
    "mtbe": _l("MTBE"),
}
ALERT_KIND_LABELS = {
    "exceedance": _l("Above the screening value"),
    "rising_trend": _l("Rising trend"),
}
choices.ALL["monitoring_point_kind"] = POINT_KIND_LABELS
choices.ALL["monitoring_parameter"] = PARAMETER_LABELS
choices.ALL["monitoring_alert"] = ALERT_KIND_LABELS
# How the change history names this domain's fields.
for _field, _text in (
    ("parameter", _l("Parameter")),
    ("value", _l("Value")),
    ("unit", _l("Unit")),
    ("sampled_on", _l("Sampled on")),
    ("point_id", _l("Monitoring point")),
    ("notes", _l("Notes")),
    ("note", _l("Note")),
    ("reading_id", _l("Reading")),
    ("acknowledged_by_id", _l("Acknowledged by")),
    ("acknowledged_at", _l("Acknowledged at")),
):
    FIELD_LABELS.setdefault(_field, _text)
MESSAGES = (
    _l("Use one of the units of this point: %(units)s."),
    _l("Must be zero or more."),
)


class PointInSchema(BaseSchema):
    """A new monitoring point: its name, kind and notes."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = choice("monitoring_point_kind", required=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))


class PointSchema(BaseSchema):
    """A monitoring point as the API answers it, with the unit of its screening values and the
    units its readings may be reported in."""

    id = fields.Integer(dump_only=True)
    facility_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    notes = fields.String(dump_only=True, allow_none=True)
    unit = fields.String(
        dump_only=True, metadata={"description": "screening values, charts and trends are in it"}
    )
    units = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "the units a reading may be reported in"},
    )
    created_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class ReadingInSchema(BaseSchema):
    """A reading: parameter, value (zero or more, a non-detect as 0), unit as reported (one of
    the point's units, µg/L or mg/L for a well) and sampling date."""

    parameter = choice("monitoring_parameter", required=True)
    value = fields.Float(
        required=True,
        allow_nan=False,
        validate=validate.Range(min=0, max=1e9, error=str(_l("Must be zero or more."))),
    )
    unit = fields.String(required=True, validate=validate.Length(min=1, max=10))
    sampled_on = PlausibleDate(required=True, validate=not_in_future)


class ReadingSchema(BaseSchema):
    """A reading as the API answers it: as reported, and converted to the point's unit."""

    id = fields.Integer(dump_only=True)
    point_id = fields.Integer(dump_only=True)
    parameter = fields.String(dump_only=True)
    value = fields.Float(dump_only=True, metadata={"description": "as reported"})
    unit = fields.String(dump_only=True, metadata={"description": "as reported (µg/L, mg/L, …)"})
    converted_value = fields.Float(
        dump_only=True, metadata={"description": "the value in the point's unit"}
    )
    converted_unit = fields.String(dump_only=True, metadata={"description": "the point's unit"})
    sampled_on = PlausibleDate(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class AlertSchema(BaseSchema):
    """An alert: a reading above its screening value, or a significant rising trend."""

    kind = fields.String(dump_only=True, metadata={"enum": list(ALERT_KIND_LABELS)})
    facility_id = fields.Integer(dump_only=True)
    point_id = fields.Integer(dump_only=True)
    point_name = fields.String(dump_only=True)
    parameter = fields.String(dump_only=True)
    raised_on = fields.Date(dump_only=True)
    facility_name = fields.String(dump_only=True)
    value = fields.Float(
        dump_only=True,
        metadata={
            "description": "the reading above the screening value, or a trend's last, in the"
            " point's unit"
        },
    )
    unit = fields.String(dump_only=True, metadata={"description": "the point's unit"})
    reported_value = fields.Float(dump_only=True, metadata={"description": "value as reported"})
    reported_unit = fields.String(dump_only=True, metadata={"description": "unit as reported"})
    screening_value = fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "exceedance: the limit"}
    )
    p_value = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "rising_trend: one-sided Mann–Kendall p-value"},
    )
    id = fields.String(
        dump_only=True,
        metadata={"description": "the alert's name: its kind and reading, `exceedance-12`"},
    )
    acknowledged = fields.Boolean(dump_only=True)
    acknowledged_at = fields.DateTime(dump_only=True, allow_none=True)
    acknowledged_by = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "the name of who acknowledged"}
    )
    acknowledgement_note = fields.String(dump_only=True, allow_none=True)


class AlertQuerySchema(BaseSchema):
    """Filters of the alert list."""

    class Meta:
        unknown = "exclude"

    kind = fields.String(validate=validate.OneOf(list(ALERT_KIND_LABELS)))
    facility_id = id_field()
    acknowledged = fields.Boolean(
        metadata={"description": "true: acknowledged alerts only; false: open ones; absent: all"}
    )


class AcknowledgeSchema(BaseSchema):
    """What is done about an alert: a note, required."""

    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))
