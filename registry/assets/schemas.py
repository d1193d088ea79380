"""Validation of tanks and pipelines, for forms and the API alike."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import post_load
from marshmallow import validate
from marshmallow import validates_schema

from registry.assets.tags import display
from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleDate
from registry.core.schemas import at_most
from registry.core.schemas import choice
from registry.core.schemas import drop_blank
from registry.core.schemas import id_field
from registry.core.schemas import not_in_future
from registry.core.schemas import one_of
from registry.core.schemas import positive
from registry.core.schemas import registration_date


class TagField(fields.String):
    """A tag, shown grouped for people."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return display(value) if value else None


class AssetSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    facility_id = id_field(required=True)
    organization_id = id_field(dump_only=True)
    kind = choice("asset_kind", required=True)
    tag = TagField(dump_only=True)
    operator_ref = fields.String(allow_none=True, validate=validate.Length(max=60))
    substance = choice("substance", required=True)
    substance_detail = fields.String(allow_none=True, validate=validate.Length(max=200))
    status = choice("asset_status", load_default="in_service")
    installed_on = PlausibleDate(allow_none=True, validate=not_in_future)
    closed_on = PlausibleDate(allow_none=True, validate=not_in_future)
    # What a closure did: temporary (registry.lifecycle) ...
    emptied = fields.Boolean(
        allow_none=True, metadata={"description": "Temporary closure: emptied to 2.5 cm or less"}
    )
    vent_lines_open = fields.Boolean(
        allow_none=True, metadata={"description": "Temporary closure: vent lines left open"}
    )
    lines_capped = fields.Boolean(
        allow_none=True,
        metadata={"description": "Temporary closure: other lines, pumps, manways capped"},
    )
    # ... or permanent: a site assessment that found contamination opens a suspected release.
    closure_method = choice(
        "closure_method", allow_none=True, metadata={"description": "Permanent closure"}
    )
    site_assessment_result = choice(
        "site_assessment_result", allow_none=True, metadata={"description": "Permanent closure"}
    )
    substance_changed_on = fields.Date(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the day the last change of substance was recorded"},
    )
    wall = choice("wall", allow_none=True)
    material = choice("material", allow_none=True)
    corrosion_protection = choice("corrosion_protection", allow_none=True)
    anti_seepage = choice("anti_seepage", allow_none=True)
    leak_detection = fields.List(
        fields.String(validate=one_of("leak_detection")),
        load_default=list,
        metadata={"uniqueItems": True},
    )
    red_tagged = fields.Boolean(dump_only=True)
    registered_on = registration_date()
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @post_load
    def _registered_today_unless_given(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return drop_blank(data, "registered_on")

    # skip_on_field_errors=False: the form shows this message with those of other fields
    @validates_schema(skip_on_field_errors=False)
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        installed, closed = data.get("installed_on"), data.get("closed_on")
        if installed and closed and closed < installed:
            raise ValidationError(
                _("The closing date is before the installation date."), "closed_on"
            )

    @validates_schema
    def _no_duplicate_methods(self, data: dict[str, Any], **kwargs: Any) -> None:
        methods = data.get("leak_detection") or []
        if len(set(methods)) != len(methods):
            raise ValidationError(_("A method is listed twice."), "leak_detection")


TANK_ONLY = ("capacity_litres", "compartments", "spill_containment", "overfill_prevention")
PIPELINE_ONLY = (
    "piping_type",
    "length_m",
    "diameter_mm",
    "line_leak_detector",
    "from_point",
    "to_point",
)


class AssetInSchema(AssetSchema):
    """A tank or a pipeline: the fields of the other kind are refused."""

    # Tank
    # Upper bounds far above any real tank or line: they keep absurd values out of the register.
    capacity_litres = fields.Float(
        allow_none=True,
        validate=[positive, at_most(10_000_000)],
        metadata={"description": "Tanks only"},
    )
    compartments = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=10),
        metadata={"description": "Tanks only"},
    )
    spill_containment = fields.Boolean(metadata={"description": "Tanks only"})
    overfill_prevention = fields.Boolean(metadata={"description": "Tanks only"})
    # Pipeline
    piping_type = choice("piping_type", allow_none=True, metadata={"description": "Pipelines only"})
    length_m = fields.Float(
        allow_none=True,
        validate=[positive, at_most(100_000)],
        metadata={"description": "Pipelines only"},
    )
    diameter_mm = fields.Float(
        allow_none=True,
        validate=[positive, at_most(5_000)],
        metadata={"description": "Pipelines only"},
    )
    line_leak_detector = fields.Boolean(metadata={"description": "Pipelines only"})
    from_point = fields.String(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "Pipelines only"},
    )
    to_point = fields.String(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "Pipelines only"},
    )

    @validates_schema
    def _fields_of_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data.get("kind")
        other = PIPELINE_ONLY if kind == "tank" else TANK_ONLY if kind == "pipeline" else ()
        wrong = [k for k in other if data.get(k) not in (None, False)]
        if wrong:
            raise ValidationError(
                {k: [_("This field does not apply to this kind of asset.")] for k in wrong}
            )

    @post_load
    def _without_fields_of_the_other_kind(self, data: dict[str, Any], **kwargs: Any) -> Any:
        # Left blank (None, or an unticked box) they passed validation; a Tank has no
        # `line_leak_detector` to be given, nor a Pipeline a `capacity_litres`.
        kind = data.get("kind")
        other = PIPELINE_ONLY if kind == "tank" else TANK_ONLY if kind == "pipeline" else ()
        return {k: v for k, v in data.items() if k not in other}


class AssetCreateSchema(AssetInSchema):
    """A new tank or pipeline, with the last dates of what was done to it before."""

    # Keys are activity codes of the rule pack in force (checked by the compliance service,
    # which records them): an old tank registered today is then due from these dates.
    last_done = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        values=PlausibleDate(validate=not_in_future),
        load_only=True,
        metadata={
            "description": "Activity code → the date it was last done (optional): recorded as "
            "passed activities, declared by the operator; see GET /api/v1/rule-pack"
        },
    )


class AssetPatchSchema(AssetInSchema):
    """Any subset of the fields, with the version the client read."""

    version = fields.Integer(required=True)
    kind = choice("asset_kind")
    facility_id = id_field()
    status = choice("asset_status")
    leak_detection = fields.List(
        fields.String(validate=one_of("leak_detection")), metadata={"uniqueItems": True}
    )


class AssetCloseSchema(AssetPatchSchema):
    """The close form: a closure is dated, a permanent one says how it was done."""

    @validates_schema
    def _closure_complete(self, data: dict[str, Any], **kwargs: Any) -> None:
        status = data.get("status")
        if status in ("temporarily_closed", "permanently_closed") and not data.get("closed_on"):
            raise ValidationError(_("Give the day of the closure."), "closed_on")
        if status == "permanently_closed" and not data.get("closure_method"):
            raise ValidationError(_("Say how the tank or pipeline was closed."), "closure_method")


class AssetOutSchema(AssetInSchema):
    """An asset as the API answers it."""


class AssetFilterSchema(BaseSchema):
    """Search and filters of asset lists (the web list and the API alike)."""

    q = fields.String(allow_none=True)
    organization_id = id_field(allow_none=True)
    facility_id = id_field(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    facility_kind = choice("facility_kind", allow_none=True)
    kind = choice("asset_kind", allow_none=True)
    status = choice("asset_status", allow_none=True)
    substance = choice("substance", allow_none=True)
    wall = choice("wall", allow_none=True)
    red_tagged = fields.Boolean(allow_none=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))
