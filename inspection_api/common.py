"""Helpers every API module shares: log-in required, loading JSON with a schema, domain errors."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort
from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError

from registry.core.errors import N_
from registry.core.errors import DomainError
from registry.core.schemas import translate_errors
from registry.extensions import db

Blueprint.DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 25, "max_page_size": 100}


def make_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """Create an API blueprint whose every route needs a logged-in user or a token."""
    blp = Blueprint(name, import_name, description=description)

    @blp.before_request
    def _require_login() -> None:
        if request.endpoint in PUBLIC_ENDPOINTS:
            return
        if not current_user.is_authenticated:
            abort(401, message=N_("Authentication required."))

    return blp


PUBLIC_ENDPOINTS = {"api_auth.Token"}


def commit() -> None:
    """Commit the request's transaction."""
    db.session.commit()


def fail(exc: DomainError) -> None:
    """Answer a domain error with its status and messages per field."""
    db.session.rollback()
    kwargs: dict[str, Any] = {"message": translate_errors(exc.message)}
    if exc.errors:
        kwargs["errors"] = translate_errors(exc.errors)
    kwargs.update(exc.extra)
    abort(exc.status, **kwargs)


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """Validate a body outside the decorators; answer 422 with messages per field."""
    try:
        return schema.load(data)  # type: ignore[no-any-return]
    except ValidationError as err:
        abort(422, errors={"json": translate_errors(err.messages)}, message=N_("Invalid input."))
    raise AssertionError("unreachable")


class QuerySchemaMixin:
    class Meta:
        unknown = EXCLUDE
