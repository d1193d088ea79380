"""Assets: tanks and pipelines, found by id or by the tag on their label."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import EXCLUDE

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.assets import services
from registry.assets.models import Asset
from registry.assets.schemas import AssetCreateSchema
from registry.assets.schemas import AssetFilterSchema
from registry.assets.schemas import AssetOutSchema
from registry.assets.schemas import AssetPatchSchema
from registry.assets.tags import InvalidTag
from registry.auth import policy
from registry.core.errors import N_
from registry.core.schemas import patch
from registry.sites.services import get_facility

PREFIX = "/assets"
blp = make_blueprint("api_assets", __name__, "Tanks and pipelines")


class AssetQuery(AssetFilterSchema):
    class Meta:
        unknown = EXCLUDE
        exclude = ("page", "page_size")


@blp.route("")
class Assets(MethodView):
    @blp.arguments(AssetQuery, location="query")
    @blp.response(200, AssetOutSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Asset]:
        """List the tanks and pipelines the caller may see, searched and filtered."""
        stmt = services.assets_query(current_user, args)
        return page_of(stmt, pagination_parameters)

    @role_required("create_asset")
    @blp.arguments(AssetCreateSchema)
    @blp.response(201, AssetOutSchema)
    def post(self, data: dict[str, Any]) -> Asset:
        """Register a tank or pipeline at a facility; the answer carries its new tag."""
        facility = get_facility(current_user, data["facility_id"])
        policy.require(current_user, "create_asset", facility.organization_id)
        asset = services.create_asset(data, by=current_user)
        commit()
        return asset


@blp.route("/<int:asset_id>")
class AssetItem(MethodView):
    @blp.response(200, AssetOutSchema)
    def get(self, asset_id: int) -> Asset:
        """Show one tank or pipeline."""
        return services.get_asset(current_user, asset_id)

    @role_required("edit")
    @blp.arguments(patch(AssetPatchSchema))
    @blp.response(200, AssetOutSchema)
    def patch(self, data: dict[str, Any], asset_id: int) -> Asset:
        """Change a tank or pipeline; `version` must be the one last read (else 409)."""
        asset = services.get_asset(current_user, asset_id)
        policy.require(current_user, "edit", asset.facility.organization_id)
        if "facility_id" in data:
            target = get_facility(current_user, data["facility_id"])
            policy.require(current_user, "edit", target.organization_id)
        services.update_asset(asset, data, version=data.pop("version", None), by=current_user)
        commit()
        return asset


@blp.route("/by-tag/<string:tag>")
class AssetByTag(MethodView):
    @blp.response(200, AssetOutSchema)
    def get(self, tag: str) -> Asset:
        """Find an asset by its tag (case, dashes and O/I/L confusions ignored)."""
        try:
            asset = services.find_by_tag(tag)
        except InvalidTag:
            abort(404, message=N_("Not a valid tag: the check symbol does not match."))
        if asset is None or not policy.can_see(current_user, asset.facility.organization_id):
            abort(404, message=N_("No asset has this tag."))
        return asset  # type: ignore[return-value]
