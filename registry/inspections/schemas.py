"""Validation of inspections, findings and corrective actions, for the API and the form."""

from __future__ import annotations

from datetime import UTC
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates

from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleAwareDateTime
from registry.core.schemas import PlausibleDate
from registry.core.schemas import id_field
from registry.core.types import utcnow

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_LABELS = {
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High"),
    "critical": _l("Critical"),
}
RESULT_LABELS = {"pass": _l("Pass"), "fail": _l("Fail")}
ACTION_STATUS_LABELS = {"open": _l("Open"), "fixed": _l("Fixed"), "verified": _l("Verified")}


class AnswerSchema(BaseSchema):
    item = fields.String(required=True, validate=validate.Length(min=1, max=60))
    value = fields.Raw(allow_none=True, load_default=None)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class FindingInSchema(BaseSchema):
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    due_on = PlausibleDate(allow_none=True, load_default=None)
    item = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=60))


class InspectionInSchema(BaseSchema):
    client_uuid = fields.UUID(required=True)
    asset_id = id_field(required=True)
    performed_at = PlausibleAwareDateTime(default_timezone=UTC, allow_none=True, load_default=None)
    answers = fields.List(fields.Nested(AnswerSchema), load_default=list)
    result = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(["pass", "fail"])
    )
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))
    latitude = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-180, 180))
    findings = fields.List(fields.Nested(FindingInSchema), load_default=list)

    @validates("performed_at")
    def _not_ahead(self, value: Any, **kwargs: Any) -> None:
        # Phones' clocks drift; a few minutes ahead is tolerated.
        if value is not None and value > utcnow() + timedelta(minutes=10):
            raise ValidationError(_("Must not be in the future."))


class PhotoOutSchema(Schema):
    id = fields.Integer()
    inspection_id = id_field(allow_none=True)
    finding_id = id_field(allow_none=True)
    corrective_action_id = id_field(allow_none=True)
    sha256 = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer()
    created_at = fields.DateTime()
    url = fields.Function(lambda p: url_for("inspections.photo_file", photo_id=p.id))


class CorrectiveActionOutSchema(Schema):
    id = fields.Integer()
    finding_id = id_field()
    due_on = fields.Date()
    status = fields.String()
    fixed_at = fields.DateTime(allow_none=True)
    fixed_by_id = id_field(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    verified_by_id = id_field(allow_none=True)
    verified_by_inspection_id = id_field(
        allow_none=True,
        metadata={"description": "the passing re-inspection that found the item compliant"},
    )
    notes = fields.String(allow_none=True)
    photos = fields.List(fields.Nested(PhotoOutSchema))


class FindingOutSchema(Schema):
    id = fields.Integer()
    inspection_id = id_field()
    asset_id = id_field()
    item = fields.String(allow_none=True)
    severity = fields.String()
    description = fields.String()
    created_at = fields.DateTime()
    corrective_action = fields.Nested(CorrectiveActionOutSchema, allow_none=True)
    photos = fields.List(fields.Nested(PhotoOutSchema))


class InspectionOutSchema(Schema):
    id = fields.Integer()
    client_uuid = fields.String()
    asset_id = id_field()
    inspector_id = id_field(allow_none=True)
    inspector_name = fields.Function(
        lambda i: (i.inspector.name or i.inspector.email) if i.inspector else None
    )
    performed_at = fields.DateTime()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    checklist_version = fields.String()
    answers = fields.List(fields.Dict())
    result = fields.String()
    notes = fields.String(allow_none=True)
    created_at = fields.DateTime()
    findings = fields.List(fields.Nested(FindingOutSchema))
    photos = fields.List(fields.Nested(PhotoOutSchema))


class ChoiceOutSchema(Schema):
    value = fields.String()
    label = fields.String()


class ChecklistItemOutSchema(Schema):
    code = fields.String()
    label = fields.String()
    type = fields.String()
    required = fields.Boolean()
    unit = fields.String(allow_none=True)
    min = fields.Float(allow_none=True, metadata={"description": "below it, the answer fails"})
    max = fields.Float(allow_none=True, metadata={"description": "above it, the answer fails"})
    valid_min = fields.Float(
        allow_none=True, metadata={"description": "below it, not a possible reading: refused"}
    )
    valid_max = fields.Float(
        allow_none=True, metadata={"description": "above it, not a possible reading: refused"}
    )
    choices = fields.List(fields.Nested(ChoiceOutSchema))
    violation = fields.String(
        allow_none=True,
        metadata={"description": "the violation code a non-compliant answer means, or null"},
    )


class ChecklistOutSchema(Schema):
    version = fields.String()
    items = fields.List(fields.Nested(ChecklistItemOutSchema))


class ActionNoteSchema(BaseSchema):
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class FindingQuerySchema(Schema):
    asset_id = id_field(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(list(ACTION_STATUS_LABELS)))
    organization_id = id_field(load_default=None)
