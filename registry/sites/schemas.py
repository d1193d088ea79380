"""Validation of organizations and facilities, for forms and the API alike."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import post_load
from marshmallow import pre_dump
from marshmallow import validate
from marshmallow import validates
from marshmallow import validates_schema

from registry.core import creditcode
from registry.core.errors import N_
from registry.core.schemas import BaseSchema
from registry.core.schemas import choice
from registry.core.schemas import drop_blank
from registry.core.schemas import id_field
from registry.core.schemas import registration_date
from registry.receptors.services import facility_proximity
from registry.receptors.services import preload_proximity
from registry.sites import coords


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

    coordinate_system = fields.String(
        load_only=True,
        validate=validate.OneOf(coords.SYSTEMS),
        metadata={
            "description": "system of latitude/longitude as given: wgs84 (default), gcj02 "
            "(Chinese maps), bd09 (Baidu); stored and returned in WGS-84"
        },
    )

    # Coordinates outside the district are a typing error (a swapped pair, a digit lost), to
    # correct at the field: saved, they would surface only later as a filing problem. The
    # district is checked on the WGS-84 point, after any conversion.
    @validates_schema
    def _in_district(self, data: dict[str, Any], **kwargs: Any) -> None:
        lat, lon = data.get("latitude"), data.get("longitude")
        system = data.get("coordinate_system") or "wgs84"
        if system != "wgs84":
            if lat is None or lon is None:
                message = _("Give both latitude and longitude to convert them.")
                raise ValidationError({"coordinate_system": [message]})
            lon, lat = coords.to_wgs84(lon, lat, system)
        errors = _district_errors(lat, lon)
        if errors:
            raise ValidationError(errors)

    @post_load
    def _to_wgs84(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        system = data.pop("coordinate_system", None) or "wgs84"
        if system != "wgs84":
            lon, lat = coords.to_wgs84(data["longitude"], data["latitude"], system)
            data["longitude"], data["latitude"] = round(lon, 7), round(lat, 7)
        return data

    @post_load
    def _registered_today_unless_given(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return drop_blank(data, "registered_on")


def _district_errors(lat: float | None, lon: float | None) -> dict[str, list[str]]:
    """Messages for a latitude or longitude outside DISTRICT_BOUNDS."""
    b = current_app.config["DISTRICT_BOUNDS"]
    errors: dict[str, list[str]] = {}
    if lat is not None and not b.min_lat <= lat <= b.max_lat:
        errors["latitude"] = [
            _(
                "Outside the district: latitude must lie between %(min)s and %(max)s.",
                min=b.min_lat,
                max=b.max_lat,
            )
        ]
    if lon is not None and not b.min_lon <= lon <= b.max_lon:
        errors["longitude"] = [
            _(
                "Outside the district: longitude must lie between %(min)s and %(max)s.",
                min=b.min_lon,
                max=b.max_lon,
            )
        ]
    return errors


class FacilityOutSchema(FacilitySchema):
    """A facility as the API shows it: with how near it lies to the receptors."""

    nearest_receptor_m = fields.Function(
        lambda f: facility_proximity(f).nearest_m,
        dump_only=True,
        metadata={"description": "geodesic metres to the nearest receptor (0 inside a polygon)"},
    )
    near_receptor = fields.Function(
        lambda f: facility_proximity(f).near,
        dump_only=True,
        metadata={"description": "within the pack's (or RECEPTOR_DISTANCE_M) distance of one"},
    )

    @pre_dump(pass_collection=True)
    def _read_nearness_at_once(self, data: Any, many: bool, **kwargs: Any) -> Any:
        # A page of facilities reads its distances in one query, not one per facility.
        preload_proximity([f.id for f in (data if many else [data])])
        return data


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
