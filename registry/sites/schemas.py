"""Validation of organizations and facilities, for forms and the API alike."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import post_load
from marshmallow import validate
from marshmallow import validates

from registry.core import creditcode
from registry.core.errors import N_
from registry.core.schemas import BaseSchema
from registry.core.schemas import choice
from registry.core.schemas import drop_blank
from registry.core.schemas import id_field
from registry.core.schemas import registration_date


class OrganizationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    credit_code = fields.String(
        required=True, metadata={"description": "GB 32100 unified social credit code"}
    )
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    contact_phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9+\-() ]{5,40}$", error=N_("Not a valid phone number.")),
    )
    contact_email = fields.Email(allow_none=True)
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @validates("credit_code")
    def _credit_code(self, value: str, **kwargs: Any) -> None:
        if not creditcode.is_valid(value):
            raise ValidationError(
                _("Not a valid unified social credit code (18 characters, GB 32100 check).")
            )


class OrganizationPatchSchema(OrganizationSchema):
    """Any subset of the fields, with the version the client read."""

    version = fields.Integer(required=True)


class FacilitySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    organization_id = id_field(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = choice("facility_kind", required=True)
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    subdistrict = fields.String(allow_none=True, validate=validate.Length(max=100))
    latitude = fields.Float(
        allow_none=True,
        validate=validate.Range(min=-90, max=90),
        metadata={"description": "within the DISTRICT_BOUNDS setting, else refused"},
    )
    longitude = fields.Float(
        allow_none=True,
        validate=validate.Range(min=-180, max=180),
        metadata={"description": "within the DISTRICT_BOUNDS setting, else refused"},
    )
    key_supervised = fields.Boolean(load_default=False)
    status = choice("facility_status", load_default="active")
    registered_on = registration_date()
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    # Coordinates outside the district are a typing error (a swapped pair, a digit lost), to
    # correct at the field: saved, they would surface only later as a filing problem.
    @validates("latitude")
    def _latitude_in_district(self, value: float | None, **kwargs: Any) -> None:
        b = current_app.config["DISTRICT_BOUNDS"]
        if value is not None and not b.min_lat <= value <= b.max_lat:
            raise ValidationError(
                _(
                    "Outside the district: latitude must lie between %(min)s and %(max)s.",
                    min=b.min_lat,
                    max=b.max_lat,
                )
            )

    @validates("longitude")
    def _longitude_in_district(self, value: float | None, **kwargs: Any) -> None:
        b = current_app.config["DISTRICT_BOUNDS"]
        if value is not None and not b.min_lon <= value <= b.max_lon:
            raise ValidationError(
                _(
                    "Outside the district: longitude must lie between %(min)s and %(max)s.",
                    min=b.min_lon,
                    max=b.max_lon,
                )
            )

    @post_load
    def _registered_today_unless_given(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return drop_blank(data, "registered_on")


class FacilityPatchSchema(FacilitySchema):
    """Any subset of the fields, with the version the client read."""

    version = fields.Integer(required=True)


class FacilityFilterSchema(BaseSchema):
    q = fields.String(allow_none=True)
    organization_id = id_field(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    kind = choice("facility_kind", allow_none=True)
    status = choice("facility_status", allow_none=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))
