"""Field mode: the pack of data a phone carries to open tags and forms without a network."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import make_blueprint
from registry.field import services
from registry.field.schemas import PackOutSchema
from registry.field.schemas import PackQuerySchema

PREFIX = "/field"
blp = make_blueprint("api_field", __name__, "Field mode")


@blp.route("/pack")
class FieldPack(MethodView):
    @blp.arguments(PackQuerySchema, location="query")
    @blp.response(200, PackOutSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """One page of the caller's field pack (assets in id order), or what changed since."""
        return services.build_page(current_user, services.PackRequest(**args))
