"""Validation of user accounts."""

from __future__ import annotations

from marshmallow import fields
from marshmallow import validate

from registry.core.schemas import BaseSchema
from registry.core.schemas import choice
from registry.core.schemas import id_field


class UserCreateSchema(BaseSchema):
    email = fields.Email(required=True)
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=8, max=200),
        metadata={"verbatim": True},
    )
    role = choice("role", required=True)
    organization_id = id_field(allow_none=True)
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    locale = fields.String(allow_none=True, validate=validate.OneOf(["zh", "en"]))


class UserEditSchema(BaseSchema):
    password = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=8, max=200),
        metadata={"verbatim": True},
    )
    role = choice("role", required=True)
    organization_id = id_field(allow_none=True)
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    locale = fields.String(allow_none=True, validate=validate.OneOf(["zh", "en"]))
    active = fields.Boolean(load_default=False)


class PasswordChangeSchema(BaseSchema):
    current_password = fields.String(required=True, load_only=True, metadata={"verbatim": True})
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=8, max=200),
        metadata={"verbatim": True},
    )


class UserOutSchema(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String(allow_none=True)
    role = fields.String()
    organization_id = id_field(allow_none=True)
    active = fields.Boolean()


class PasswordResetSchema(BaseSchema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=8, max=200),
        metadata={"verbatim": True},
    )
