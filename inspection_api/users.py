"""User accounts: a regulator revokes another user's API tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema
from marshmallow import fields

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from registry.auth import policy
from registry.auth.services import get_user
from registry.auth.services import revoke_tokens

PREFIX = "/users"
blp = make_blueprint("api_users", __name__, "User accounts")


class RevokedSchema(Schema):
    revoked = fields.Integer(
        required=True, metadata={"description": "how many live tokens were revoked"}
    )


@blp.route("/<int:user_id>/tokens/revoke")
class UserTokensRevoke(MethodView):
    @blp.response(200, RevokedSchema)
    def post(self, user_id: int) -> dict[str, Any]:
        """Revoke every live API token of a user (regulators; others 403)."""
        policy.require(current_user, "manage_users")
        count = revoke_tokens(get_user(user_id))
        commit()
        return {"revoked": count}
