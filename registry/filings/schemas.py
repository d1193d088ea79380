"""Validation and output of filings and data-quality problems."""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow import validate

from registry.core.schemas import BaseSchema
from registry.core.schemas import id_field
from registry.filings import quality
from registry.filings.models import FILING_STATUSES


class FilingInSchema(BaseSchema):
    """What an operator may add to a filing: a note to the bureau."""

    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class ReturnSchema(BaseSchema):
    """The regulator's reason for sending a filing back: required."""

    comment = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AcceptSchema(BaseSchema):
    """An optional remark with an acceptance."""

    comment = fields.String(allow_none=True, validate=validate.Length(max=2000))


class ProblemSchema(BaseSchema):
    """A data-quality problem: a stable code and a message in the caller's language."""

    code = fields.String()
    message = fields.String()
    scope = fields.String(metadata={"enum": ["asset", "facility"]})
    asset_id = id_field(allow_none=True)
    facility_id = id_field()


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "email": user.email}


class FilingSchema(BaseSchema):
    """A filing as the API answers it."""

    id = fields.Integer(dump_only=True)
    facility_id = id_field(dump_only=True)
    organization_id = id_field(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(FILING_STATUSES)})
    note = fields.String(dump_only=True, allow_none=True)
    comment = fields.String(dump_only=True, allow_none=True)
    problem_count = fields.Integer(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True)
    submitted_by = fields.Function(lambda f: _user(f.submitted_by), dump_only=True)
    reviewed_at = fields.DateTime(dump_only=True, allow_none=True)
    reviewed_by = fields.Function(lambda f: _user(f.reviewed_by), dump_only=True)
    accepted_on = fields.Date(dump_only=True, allow_none=True)


class FilingDetailSchema(FilingSchema):
    """A filing with its snapshot and the data-quality problems found when it was filed."""

    snapshot = fields.Function(lambda f: f.snapshot.data, dump_only=True)
    problems = fields.Function(
        lambda f: [
            {
                "code": p["code"],
                "message": quality.message(p["code"]),
                "asset_id": p.get("asset_id"),
            }
            for p in f.snapshot.problems
        ],
        dump_only=True,
    )


class FilingFilterSchema(BaseSchema):
    status = fields.String(allow_none=True, validate=validate.OneOf(FILING_STATUSES))
