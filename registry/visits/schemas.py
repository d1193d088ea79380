"""Validation and output of visits, violations, the violation library, plans and measures."""

from __future__ import annotations

from datetime import UTC
from datetime import timedelta
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import pre_load
from marshmallow import validate
from marshmallow import validates
from marshmallow import validates_schema

from registry.compliance.rules import active_pack
from registry.compliance.violation_library import CATEGORIES
from registry.core import choices
from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleAwareDateTime
from registry.core.schemas import PlausibleDate
from registry.core.schemas import id_field
from registry.core.types import utcnow
from registry.visits.models import KINDS
from registry.visits.models import VIOLATION_STATUSES

KIND_LABELS = choices.VISIT_KINDS
RESULT_LABELS = choices.VISIT_RESULTS
STATUS_LABELS = choices.VIOLATION_STATUSES
CATEGORY_LABELS = choices.VIOLATION_CATEGORIES


def _locale() -> str:
    return str(get_locale() or "zh")


class CitedViolationInSchema(BaseSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    asset_id = id_field(allow_none=True, load_default=None)
    corrected_on_site = fields.Boolean(load_default=False)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class VisitInSchema(BaseSchema):
    client_uuid = fields.UUID(required=True)
    performed_at = PlausibleAwareDateTime(default_timezone=UTC, allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    inspection_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=200))
    violations = fields.List(
        fields.Nested(CitedViolationInSchema), load_default=list, validate=validate.Length(max=200)
    )
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))

    @validates("performed_at")
    def _not_ahead(self, value: Any, **kwargs: Any) -> None:
        if value is not None and value > utcnow() + timedelta(minutes=10):
            raise ValidationError(_("Must not be in the future."))


class ViolationOutSchema(Schema):
    id = fields.Integer()
    compliance_inspection_id = id_field()
    facility_id = id_field()
    asset_id = id_field(allow_none=True)
    code = fields.String()
    title = fields.Method("_title")
    category = fields.String(metadata={"enum": list(CATEGORIES)})
    soc = fields.Boolean()
    severity = fields.String()
    citation = fields.String()
    due_on = fields.Date()
    status = fields.String(metadata={"enum": list(VIOLATION_STATUSES)})
    corrected_on_site = fields.Boolean()
    note = fields.String(allow_none=True)
    corrected_on = fields.Date(allow_none=True)
    correction_notes = fields.String(allow_none=True)
    has_evidence = fields.Function(lambda v: bool(v.evidence_path))
    verified_at = fields.DateTime(allow_none=True)
    reopen_reason = fields.String(allow_none=True)

    def _title(self, v: Any) -> str:
        known = active_pack().violations.get(v.code)
        return known.title(_locale()) if known else v.code


class VisitOutSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    facility_id = id_field()
    performed_at = fields.DateTime()
    performed_on = fields.Date()
    kind = fields.String(metadata={"enum": list(KINDS)})
    result = fields.String(metadata={"enum": list(RESULT_LABELS)})
    soc_release_prevention = fields.Boolean(
        metadata={"description": "true: no SOC violation of release prevention found"}
    )
    soc_release_detection = fields.Boolean(
        metadata={"description": "true: no SOC violation of release detection found"}
    )
    inspector_id = id_field(allow_none=True)
    inspection_ids = fields.List(fields.Integer())
    notes = fields.String(allow_none=True)
    violations = fields.List(fields.Nested(ViolationOutSchema))
    pdf_url = fields.Function(lambda v: f"/compliance-inspections/{v.id}.pdf")


class VisitQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    facility_id = id_field(load_default=None)


class ViolationQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(VIOLATION_STATUSES))
    facility_id = id_field(load_default=None)


class CorrectedInSchema(BaseSchema):
    corrected_on = PlausibleDate(allow_none=True, load_default=None)
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class VerifyInSchema(BaseSchema):
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class ReopenInSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ViolationCodeOutSchema(Schema):
    code = fields.String()
    title = fields.Method("_title")
    category = fields.String(metadata={"enum": list(CATEGORIES)})
    soc = fields.Boolean()
    severity = fields.String()
    rtc_days = fields.Integer()
    citation = fields.String()
    assumed = fields.Boolean()

    def _title(self, v: Any) -> str:
        return str(v.title(_locale()))


class DueFacilityOutSchema(Schema):
    facility_id = id_field()
    name = fields.String()
    last_inspected_on = fields.Date(allow_none=True)
    due_on = fields.Date()


class PlanInSchema(BaseSchema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    seed = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 2**31 - 1))
    due_only = fields.Boolean(load_default=True)
    inspectors_per_facility = fields.Integer(load_default=2, validate=validate.Range(min=1, max=5))

    @pre_load
    def _whole_numbers(self, data: Any, **kwargs: Any) -> Any:
        # A seed of 2.5 is not the seed 2: a draw must be reproducible from what was sent.
        if isinstance(data, dict):
            for key in ("count", "seed", "inspectors_per_facility"):
                value = data.get(key)
                if isinstance(value, float) and not value.is_integer():
                    raise ValidationError(_("Not a valid integer."), key)
        return data


class DrawnFacilitySchema(Schema):
    facility_id = id_field()
    inspector_ids = fields.List(fields.Integer())


class PlanOutSchema(Schema):
    id = fields.Integer()
    seed = fields.Integer()
    count = fields.Integer()
    due_only = fields.Boolean()
    inspectors_per_facility = fields.Integer()
    drawn_on = fields.Date()
    facilities = fields.List(fields.Nested(DrawnFacilitySchema))
    public_url = fields.Function(lambda p: f"/inspection-plans/{p.id}/public")


class MeasuresQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # Default: the half-year (EPA reports twice a year) up to today.
    start = PlausibleDate(load_default=None, data_key="from")
    end = PlausibleDate(load_default=None, data_key="to")

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["start"] and data["end"] and data["end"] < data["start"]:
            raise ValidationError(_("Must not be before the start."), "to")


class MeasuresOutSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    facilities_inspected = fields.Integer()
    compliance_inspections = fields.Integer()
    soc_release_prevention_pct = fields.Float(allow_none=True)
    soc_release_detection_pct = fields.Float(allow_none=True)
    soc_combined_pct = fields.Float(allow_none=True)
    violations_open = fields.Integer()
    rtc_on_time_pct = fields.Float(allow_none=True)
