"""Validation of user accounts."""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow import validate

from registry.core.schemas import BaseSchema
from registry.core.schemas import choice
from registry.core.schemas import id_field


def _password(**kwargs: Any) -> fields.String:
    return fields.String(
        load_only=True,
        validate=validate.Length(min=8, max=200),
        metadata={"verbatim": True},
        **kwargs,
    )


class _Profile(BaseSchema):
    """What a regulator sets of any account: role, organization, name, language."""

    role = choice("role", required=True)
    organization_id = id_field(allow_none=True)
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    locale = fields.String(allow_none=True, validate=validate.OneOf(["zh", "en"]))


class UserCreateSchema(_Profile):
    email = fields.Email(required=True)
    password = _password(required=True)


class UserEditSchema(_Profile):
    password = _password(allow_none=True)
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
