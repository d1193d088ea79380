"""The field pack's query and answer, for the API and its OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from registry.core.converters import MAX_ID
from registry.field.services import MAX_PAGE
from registry.field.services import MODES


class PackQuerySchema(Schema):
    mode = fields.String(
        load_default="all",
        validate=validate.OneOf(MODES),
        metadata={"description": "all: every asset in the caller's scope; plan: today's plan"},
    )
    since = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{1,19}$"),
        metadata={"description": "the cursor of an earlier pack: only what changed since"},
    )
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_ID),
        metadata={"description": "the `next` of the previous page (0: the first page)"},
    )
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=MAX_PAGE))


def _texts() -> fields.List:
    return fields.List(fields.String(allow_none=True))


class PackAssetSchema(Schema):
    id = fields.Integer()
    tag = fields.String()
    kind = fields.String()
    ref = fields.String(allow_none=True)
    facility = fields.Integer()
    org = fields.Integer()
    status = fields.String()
    substance = fields.String()
    substance_detail = fields.String(allow_none=True)
    wall = fields.String(allow_none=True)
    material = fields.String(allow_none=True)
    corrosion = fields.String(allow_none=True)
    seepage = fields.String(allow_none=True)
    leak = fields.List(fields.String())
    size = fields.Float(allow_none=True, metadata={"description": "litres (tank), m (pipeline)"})
    cert = fields.List(
        fields.String(), allow_none=True, metadata={"description": "[number, valid_until]"}
    )
    red = fields.String(allow_none=True, metadata={"description": "the red tag's reason"})
    last = fields.List(
        fields.String(), allow_none=True, metadata={"description": "[performed_at, result]"}
    )
    due = fields.List(_texts(), metadata={"description": "[[obligation, due_on, state], ...]"})
    findings = fields.List(
        _texts(), metadata={"description": "[[severity, description, due_on], ...] open"}
    )
    checklist = fields.String(allow_none=True, metadata={"description": "a key of checklists"})


class PackFacilitySchema(Schema):
    name = fields.String()
    release = fields.String(allow_none=True, metadata={"description": "confirmed release"})


class PackOutSchema(Schema):
    cursor = fields.String(metadata={"description": "pass as `since` to the next prepare"})
    prepared_at = fields.DateTime()
    mode = fields.String()
    full = fields.Boolean()
    total = fields.Integer(metadata={"description": "assets in this pack, over all pages"})
    next = fields.Integer(allow_none=True, metadata={"description": "`after` of the next page"})
    assets = fields.List(fields.Nested(PackAssetSchema))
    facilities = fields.Dict(keys=fields.String(), values=fields.Nested(PackFacilitySchema))
    checklists = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "form questions"}
    )
    removed = fields.List(fields.Integer(), metadata={"description": "asset ids to drop"})
