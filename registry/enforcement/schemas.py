"""Validation and output of red tags."""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow import validate

from registry.core.schemas import BaseSchema


class RedTagInSchema(BaseSchema):
    """Placing a red tag: why, and under which provision (the API may leave the basis out)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    legal_basis = fields.String(allow_none=True, validate=validate.Length(max=300))


class RedTagFormSchema(RedTagInSchema):
    """The page's form asks for the legal basis too."""

    legal_basis = fields.String(required=True, validate=validate.Length(min=1, max=300))


class LiftSchema(BaseSchema):
    """Lifting a red tag, with a note of what was put right."""

    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class LiftFormSchema(LiftSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "email": user.email}


class RedTagSchema(BaseSchema):
    """A red tag as the API answers it: an enforcement record of one asset."""

    id = fields.Integer(dump_only=True)
    asset_id = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True)
    legal_basis = fields.String(dump_only=True, allow_none=True)
    active = fields.Boolean(dump_only=True)
    placed_at = fields.DateTime(dump_only=True)
    placed_by = fields.Function(lambda t: _user(t.placed_by), dump_only=True)
    lifted_at = fields.DateTime(dump_only=True, allow_none=True)
    lifted_by = fields.Function(lambda t: _user(t.lifted_by), dump_only=True)
    lift_note = fields.String(dump_only=True, allow_none=True)
