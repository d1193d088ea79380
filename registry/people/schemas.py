"""Validation and output of designated operators and financial assurance (API and forms)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from registry.audit.labels import FIELD_LABELS
from registry.audit.labels import register_value_group
from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleDate
from registry.core.schemas import WholeNumber
from registry.core.schemas import choice
from registry.core.schemas import id_field
from registry.core.schemas import not_in_future

# How the change history names this domain's fields (and the asset's closure fields).
for _field, _text in (
    ("operator_class", _l("Operator class")),
    ("designated_on", _l("Designated on")),
    ("trained_on", _l("Trained on")),
    ("certificate_number", _l("Training certificate number")),
    ("certificate_name", _l("Training certificate file")),
    ("mechanism", _l("Mechanism")),
    ("provider", _l("Provider")),
    ("policy_number", _l("Policy or instrument number")),
    ("per_occurrence", _l("Per occurrence")),
    ("aggregate", _l("Annual aggregate")),
    ("effective_on", _l("Effective from")),
    ("expires_on", _l("Expires on")),
    ("petroleum_marketer", _l("Petroleum marketer")),
    ("monthly_throughput_gallons", _l("Throughput (gallons a month)")),
    ("emptied", _l("Emptied to 2.5 cm or less")),
    ("vent_lines_open", _l("Vent lines open")),
    ("lines_capped", _l("Other lines capped")),
    ("closure_method", _l("Closure method")),
    ("site_assessment_result", _l("Site assessment")),
    ("substance_changed_on", _l("Substance changed on")),
):
    FIELD_LABELS.setdefault(_field, _text)
for _field, _group in (
    ("operator_class", "operator_class"),
    ("mechanism", "fr_mechanism"),
    ("closure_method", "closure_method"),
    ("site_assessment_result", "site_assessment_result"),
):
    register_value_group(None, _field, _group)


class DesignatedOperatorSchema(BaseSchema):
    """A designated operator: who, which class, since when, trained when."""

    id = fields.Integer(dump_only=True)
    facility_id = id_field(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    operator_class = choice("operator_class", required=True)
    designated_on = PlausibleDate(
        validate=not_in_future,
        metadata={"description": "the day they took up the role (default: today)"},
    )
    trained_on = PlausibleDate(allow_none=True, validate=not_in_future)
    certificate_number = fields.String(allow_none=True, validate=validate.Length(max=60))
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))
    certificate_name = fields.String(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)


class DesignatedOperatorPatchSchema(DesignatedOperatorSchema):
    """Any subset of the fields, with the version the client read."""

    version = fields.Integer(required=True)


class FinancialAssuranceSchema(BaseSchema):
    """A financial responsibility mechanism of an owner (40 CFR 280.90ff)."""

    id = fields.Integer(dump_only=True)
    organization_id = id_field(dump_only=True)
    mechanism = choice("fr_mechanism", required=True)
    provider = fields.String(required=True, validate=validate.Length(min=1, max=200))
    policy_number = fields.String(allow_none=True, validate=validate.Length(max=100))
    per_occurrence = WholeNumber(
        required=True,
        validate=validate.Range(min=0, max=10**12),
        metadata={"description": "US dollars"},
    )
    aggregate = WholeNumber(
        required=True,
        validate=validate.Range(min=0, max=10**12),
        metadata={"description": "US dollars, a year"},
    )
    effective_on = PlausibleDate(required=True)
    expires_on = PlausibleDate(allow_none=True)
    petroleum_marketer = fields.Boolean(load_default=False)
    monthly_throughput_gallons = WholeNumber(
        allow_none=True, validate=validate.Range(min=0, max=10**9)
    )
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))
    version = fields.Integer(dump_only=True)

    @validates_schema(skip_on_field_errors=False)
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("effective_on"), data.get("expires_on")
        if start and end and end < start:
            raise ValidationError(_("It expires before it takes effect."), "expires_on")


class FinancialAssurancePatchSchema(FinancialAssuranceSchema):
    """Any subset of the fields, with the version the client read."""

    version = fields.Integer(required=True)
    petroleum_marketer = fields.Boolean()
