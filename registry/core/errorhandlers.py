"""Map errors to pages or JSON, in one place."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask
from flask import jsonify
from flask import make_response
from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from registry.core.errors import DomainError
from registry.core.schemas import translate_errors
from registry.core.security import is_api_request
from registry.extensions import db


def _json(status: int, message: str, errors: dict[str, Any] | None = None, **extra: Any) -> Any:
    body: dict[str, Any] = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        body["errors"] = errors
    body.update(extra)
    resp = jsonify(body)
    resp.status_code = status
    return resp


def _status_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _with_headers(resp: Any, exc: HTTPException) -> Any:
    """Keep the exception's own headers (a 405's `Allow`, a 429's `Retry-After`) on our body."""
    for key, value in exc.get_headers():
        if key.lower() != "content-type":
            resp.headers[key] = value
    return resp


def _page(status: int, title: str, message: str) -> Any:
    return render_template("errors/error.html", status=status, title=title, message=message), status


_TITLES = {
    400: lambda: _("Bad request"),
    401: lambda: _("Please log in"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    405: lambda: _("Method not allowed"),
    409: lambda: _("Changed by someone else"),
    413: lambda: _("File too large"),
    422: lambda: _("Invalid input"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Server error"),
}


def _message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do this."),
        404: _("The page or record you asked for does not exist."),
        405: _("This address does not accept that kind of request."),
        409: _("This record was changed by someone else since you opened it."),
        413: _("The file is larger than the server accepts."),
        429: _("Too many requests from your device. Please wait a minute and try again."),
        500: _("Something went wrong on the server. Nothing you sent was half-saved."),
    }
    return messages.get(status, _("The request could not be completed."))


def _http_json(exc: HTTPException, status: int) -> Any:
    """An HTTP error under /api: flask-smorest's messages per field and extras, translated."""
    data = getattr(exc, "data", None) or {}
    errors = data.get("messages") or data.get("errors")
    if errors:
        errors = translate_errors(errors)
    message = data.get("message") or exc.description or _status_name(status)
    message = translate_errors(str(message))
    extra = {
        k: v
        for k, v in data.items()
        if k not in ("messages", "errors", "message", "exc", "headers", "schema")
        and isinstance(v, str | int | float | bool)
    }
    resp = _with_headers(_json(status, str(message), errors, **extra), exc)
    for key, value in (data.get("headers") or {}).items():
        resp.headers[key] = value
    if status == 401:
        resp.headers.setdefault("WWW-Authenticate", "Bearer")
    return resp


def register_error_handlers(app: Flask) -> None:
    """Answer errors as JSON under /api and as pages elsewhere."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Any:
        db.session.rollback()
        message = _(exc.message)
        if is_api_request():
            errors = translate_errors(exc.errors) if exc.errors else None
            return _json(exc.status, message, errors, **exc.extra)
        title = _TITLES.get(exc.status, _TITLES[400])()
        return _page(exc.status, title, message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        msg = _("The form expired or was sent from elsewhere. Reload the page and try again.")
        if is_api_request():
            return _json(400, msg)
        return _page(400, _("Form expired"), msg)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if status == 429 and not getattr(getattr(exc, "limit", None), "error_message", None):
            # Flask-Limiter's own text is the limit ("10 per 1 minute"), in no language.
            exc.description = _message(429)
        if is_api_request():
            return _http_json(exc, status)
        message = str(exc.description) if status == 429 else _message(status)
        page = _page(status, _TITLES.get(status, _TITLES[400])(), message)
        return _with_headers(make_response(page), exc)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def unstorable(exc: Exception) -> Any:
        # The last line of defence: schemas refuse such values first, with a field's message.

        db.session.rollback()
        msg = _("A value cannot be stored: it holds a NUL character or a number out of range.")
        if is_api_request():
            return _json(400, msg)
        return _page(400, _TITLES[400](), msg)

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError) -> Any:
        # Only a hostile body nests thousands of levels deep; its JSON parsing overflows.
        msg = _("The request is nested too deeply.")
        if is_api_request():
            return _json(400, msg)
        return _page(400, _TITLES[400](), msg)

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        db.session.rollback()
        if is_api_request():
            return _json(500, _status_name(500))
        return _page(500, _TITLES[500](), _message(500))
