"""Helpers every API module shares: log-in required, loading JSON with a schema, domain errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort
from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError

from registry.auth import policy
from registry.core.errors import N_
from registry.core.pagination import paginate
from registry.core.schemas import translate_errors
from registry.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

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


def role_required(
    action: str,
    message: str = N_("You are not allowed to do this."),
    *,
    found: Callable[..., Any] | None = None,
) -> Callable[[F], F]:
    """Answer 403 before the body is parsed when the caller's role may never do `action`.

    Outermost on a view, so that a role refusal is a 403 whatever the body holds, not a
    422 about a field of a request the caller may not make at all. `found(**url_values)`
    loads the row named in the URL first, so that a row hidden from the caller stays a 404.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if found is not None:
                found(**kwargs)
            if not policy.role_may(current_user, action):
                abort(403, message=translate_errors(message))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def commit() -> None:
    """Commit the request's transaction."""
    db.session.commit()


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


def page_of(source: Any, pagination_parameters: Any) -> list[Any]:
    """Cut the requested page of a statement (counted in SQL) or of a computed list.

    Sets the item count that flask-smorest sends in `X-Pagination`.
    """
    if isinstance(source, list | tuple):
        pagination_parameters.item_count = len(source)
        start = pagination_parameters.first_item
        return list(source[start : start + pagination_parameters.page_size])
    page = paginate(
        source, page=pagination_parameters.page, page_size=pagination_parameters.page_size
    )
    pagination_parameters.item_count = page.total
    return page.items


def file_form(accept: str | None = None, **fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The OpenAPI media type of a multipart upload: a required `file` (of the `accept`
    content types, where given) and optional form fields."""
    media: dict[str, Any] = {
        "schema": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"}, **fields},
            "required": ["file"],
        }
    }
    if accept:
        media["encoding"] = {"file": {"contentType": accept}}
    return {"multipart/form-data": media}


def file_body(accept: str | None = None, **fields: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI request body of a multipart upload (see `file_form`)."""
    return {"required": True, "content": file_form(accept, **fields)}
