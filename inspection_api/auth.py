"""API tokens: exchange e-mail and password for a bearer token, revoke it."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields
from sqlalchemy import select

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from registry.auth.limits import login_limits
from registry.auth.loaders import bearer_token
from registry.auth.models import ApiToken
from registry.auth.services import authenticate
from registry.auth.services import hash_token
from registry.auth.services import issue_token
from registry.auth.services import revoke_token
from registry.core.errors import N_
from registry.core.schemas import id_field
from registry.extensions import db

PREFIX = "/auth"
blp = make_blueprint("api_auth", __name__, "API tokens")


class CredentialsSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    name = fields.String(
        load_default=None, allow_none=True, metadata={"description": "a label for the token"}
    )


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime()
    role = fields.String()
    organization_id = id_field(allow_none=True)


@blp.route("/token")
class Token(MethodView):
    decorators = login_limits()

    @blp.doc(security=[])
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    def post(self, creds: dict[str, Any]) -> dict[str, Any]:
        """Exchange e-mail and password for a bearer token."""
        user = authenticate(creds["email"], creds["password"])
        if user is None:
            abort(401, message=N_("Wrong e-mail or password."))
        assert user is not None
        days = int(current_app.config["API_TOKEN_DAYS"])
        token = issue_token(user, days=days, name=creds.get("name"))
        row = db.session.scalars(
            select(ApiToken).where(ApiToken.token_hash == hash_token(token))
        ).one()
        commit()
        return {
            "token": token,
            "expires_at": row.expires_at,
            "role": user.role,
            "organization_id": user.organization_id,
        }

    @blp.response(204)
    def delete(self) -> None:
        """Revoke the bearer token this request carries."""
        if not current_user.is_authenticated:
            abort(401, message=N_("Authentication required."))
        token = bearer_token(request)
        if token is None:
            abort(400, message=N_("Send the token to revoke as a bearer token."))
        row = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == hash_token(token or ""))
        )
        if row is None:
            abort(404, message=N_("Unknown token."))
        assert row is not None
        revoke_token(row.id, user=current_user)
        commit()
