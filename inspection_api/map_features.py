"""The map's features: facilities, open releases, monitoring points, receptors, as GeoJSON."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import make_blueprint
from registry.maps import features
from registry.receptors.schemas import FeatureCollectionOutSchema

PREFIX = "/map"
blp = make_blueprint("api_map", __name__, "Map")
_LAYER = "(facilities|releases|points|receptors)"
_PARAMETERS = [
    {
        "in": "query",
        "name": "bbox",
        "schema": {"type": "string", "pattern": r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$"},
        "description": "min_lon,min_lat,max_lon,max_lat (WGS-84); none: everything",
    },
    {
        "in": "query",
        "name": "layers",
        "schema": {
            "type": "string",
            "pattern": f"^{_LAYER}(,{_LAYER})*$",
        },
        "description": "comma-separated: facilities, releases, points, receptors (default all)",
    },
]


@blp.route("/features")
class MapFeatures(MethodView):
    @blp.doc(parameters=_PARAMETERS)
    @blp.response(200, FeatureCollectionOutSchema)
    def get(self) -> dict[str, Any]:
        """The map's GeoJSON FeatureCollection within `bbox`, in the caller's scope."""
        box = features.parse_bbox(request.args.get("bbox"))
        layers = features.parse_layers(request.args.get("layers"))
        return features.map_features(current_user, box, layers)
