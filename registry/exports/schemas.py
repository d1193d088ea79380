"""The answers of the bulk import, for the API document."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields


class ImportResultSchema(Schema):
    """A successful import: rows imported, of which new and updated."""

    imported = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)


class ImportProblemSchema(Schema):
    """One bad cell or line: `row` is the line in the file (the header is line 1)."""

    row = fields.Integer(allow_none=True, required=True)
    column = fields.String(allow_none=True, required=True)
    message = fields.String(required=True)


class ImportFailedSchema(Schema):
    """A refused import: nothing was imported; every problem is listed."""

    code = fields.Integer()
    status = fields.String()
    message = fields.String(required=True)
    errors = fields.List(fields.Nested(ImportProblemSchema), required=True)
