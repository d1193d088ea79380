"""Red tags: deliveries to an asset prohibited until lifted."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import load
from inspection_api.common import make_blueprint
from inspection_api.common import role_required
from registry.assets.services import get_asset
from registry.auth import policy
from registry.enforcement import services
from registry.enforcement.models import RedTag
from registry.enforcement.schemas import LiftSchema
from registry.enforcement.schemas import RedTagInSchema
from registry.enforcement.schemas import RedTagSchema

PREFIX = "/assets"
blp = make_blueprint("api_red_tags", __name__, "Red tags")


@blp.route("/<int:asset_id>/red-tag")
class AssetRedTag(MethodView):
    @role_required("red_tag", found=lambda asset_id: get_asset(current_user, asset_id))
    @blp.arguments(RedTagInSchema)
    @blp.response(201, RedTagSchema)
    def post(self, data: dict[str, Any], asset_id: int) -> RedTag:
        """Place a red tag (inspectors, regulators); 409 when the asset already carries one."""
        asset = get_asset(current_user, asset_id)
        policy.require(current_user, "red_tag", asset.facility.organization_id)
        red_tag = services.place_red_tag(asset, placed_by=current_user, **data)
        commit()
        return red_tag

    @blp.response(200, RedTagSchema)
    def delete(self, asset_id: int) -> RedTag:
        """Lift the red tag, with an optional `{note}`; 409 when the asset carries none."""
        data = load(LiftSchema(), request.get_json(silent=True) or {})
        asset = get_asset(current_user, asset_id)
        policy.require(current_user, "red_tag", asset.facility.organization_id)
        red_tag = services.lift_red_tag(asset, lifted_by=current_user, note=data.get("note"))
        commit()
        return red_tag


@blp.route("/<int:asset_id>/red-tags")
class AssetRedTags(MethodView):
    @blp.response(200, RedTagSchema(many=True))
    def get(self, asset_id: int) -> list[RedTag]:
        """List every red tag the asset has carried, newest first: its enforcement record."""
        asset = get_asset(current_user, asset_id)
        return services.red_tags_of(asset.id)
