"""Receptors as GeoJSON Features, in and out."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates

from registry.core.schemas import BaseSchema
from registry.core.schemas import choice
from registry.receptors import geometry as geo


class ReceptorPropertiesSchema(BaseSchema):
    class Meta:
        # A file exported from a GIS carries properties of its own: they are not ours to keep.
        unknown = EXCLUDE

    kind = choice("receptor_kind", required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ReceptorFeatureSchema(BaseSchema):
    """A GeoJSON Feature: `properties.kind`, `properties.name`; Point, Polygon or MultiPolygon."""

    type = fields.String(required=True, validate=validate.Equal("Feature"))
    id = fields.Raw(load_only=True)
    bbox = fields.List(fields.Float(), load_only=True)
    geometry = fields.Dict(required=True)
    properties = fields.Nested(ReceptorPropertiesSchema, required=True)

    @validates("geometry")
    def _on_the_globe(self, value: Any, **kwargs: Any) -> None:
        try:
            geo.check(value)
        except geo.GeometryError as exc:
            raise ValidationError(str(exc)) from exc


class FeatureCollectionSchema(BaseSchema):
    """A GeoJSON FeatureCollection of receptors."""

    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    name = fields.String(load_only=True)
    crs = fields.Dict(load_only=True)
    bbox = fields.List(fields.Float(), load_only=True)
    features = fields.List(
        fields.Nested(ReceptorFeatureSchema), required=True, validate=validate.Length(min=1)
    )


def feature(receptor: Any) -> dict[str, Any]:
    """A receptor as a GeoJSON Feature."""
    return {
        "type": "Feature",
        "id": f"receptor-{receptor.id}",
        "geometry": receptor.geometry,
        "properties": {
            "layer": "receptors",
            "id": receptor.id,
            "kind": receptor.kind,
            "name": receptor.name,
        },
    }


class FeatureOutSchema(BaseSchema):
    """A GeoJSON Feature as the API shows it ([lon, lat], WGS-84)."""

    type = fields.String(dump_only=True)
    id = fields.String(dump_only=True)
    geometry = fields.Dict(dump_only=True)
    properties = fields.Dict(dump_only=True)


class FeatureCollectionOutSchema(BaseSchema):
    """A GeoJSON FeatureCollection."""

    type = fields.String(dump_only=True)
    features = fields.List(fields.Nested(FeatureOutSchema), dump_only=True)


class ReceptorCreatedSchema(FeatureOutSchema):
    """The Feature added; for a FeatureCollection, only `count`, the features added."""

    count = fields.Integer(dump_only=True)
