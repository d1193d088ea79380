"""Receptors: drinking-water sources, wells, schools, underground spaces, as GeoJSON."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort

from inspection_api.common import commit
from inspection_api.common import file_form
from inspection_api.common import load
from inspection_api.common import make_blueprint
from inspection_api.common import role_required
from registry.core.errors import N_
from registry.extensions import db
from registry.receptors import services
from registry.receptors.schemas import FeatureCollectionOutSchema
from registry.receptors.schemas import FeatureCollectionSchema
from registry.receptors.schemas import ReceptorCreatedSchema
from registry.receptors.schemas import ReceptorFeatureSchema
from registry.receptors.schemas import feature

PREFIX = "/receptors"
blp = make_blueprint("api_receptors", __name__, "Receptors")
_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object", "description": "a GeoJSON Feature"}},
        **file_form(),
    },
}


def _collection_file() -> Any:
    """The FeatureCollection of the multipart `file`, or 422."""
    upload = request.files["file"]
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        abort(422, message=N_("Invalid input."), errors={"file": [N_("Not a GeoJSON file.")]})


@blp.route("")
class Receptors(MethodView):
    @blp.response(200, FeatureCollectionOutSchema)
    def get(self) -> dict[str, Any]:
        """List the receptors as a GeoJSON FeatureCollection."""
        receptors = db.session.scalars(services.receptors_query())
        return {"type": "FeatureCollection", "features": [feature(r) for r in receptors]}

    @role_required("manage_receptors")
    @blp.doc(requestBody=_BODY)
    @blp.response(201, ReceptorCreatedSchema)
    def post(self) -> dict[str, Any]:
        """Add a receptor (a Feature), or a FeatureCollection file as `file` (regulators)."""
        if "file" in request.files:
            body = _collection_file()
        else:
            body = request.get_json(silent=True)
        if isinstance(body, dict) and body.get("type") == "FeatureCollection":
            data = load(FeatureCollectionSchema(), body)
            for item in data["features"]:
                services.create_receptor(item, by=current_user)
            commit()
            return {"count": len(data["features"])}
        receptor = services.create_receptor(load(ReceptorFeatureSchema(), body), by=current_user)
        commit()
        return feature(receptor)
