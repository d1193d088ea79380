"""CSRF, security headers and the unauthorized answer."""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth.loaders import bearer_token
from registry.core.errors import N_
from registry.core.errors import DomainError
from registry.extensions import csrf
from registry.extensions import login_manager

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_EXEMPT_ENDPOINTS = {"api_auth.Token"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; "
    "worker-src 'self'"
)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _csrf_check() -> None:
    # A bearer token is never sent by a browser on its own, so it cannot be forged cross-site.
    if request.method not in UNSAFE or bearer_token(request) is not None:
        return
    if request.endpoint in CSRF_EXEMPT_ENDPOINTS or not current_app.config.get(
        "WTF_CSRF_ENABLED", True
    ):
        return
    # A call without a session carries no ambient credential to forge: the API answers it 401
    # (JSON), not "the form expired".
    if is_api_request() and not current_user.is_authenticated:
        return
    csrf.protect()


def _refuse_nul() -> None:
    # PostgreSQL cannot even compare text with NUL: refuse it in addresses and query strings
    # here, once, with a clear answer; form and JSON fields are checked by their schemas.
    args = [k + v for k, values in request.args.lists() for v in values]
    if "\x00" in request.path or any("\x00" in a for a in args):
        raise DomainError(N_("The address contains a NUL character."))


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self)")
    if current_app.config.get("PREFERRED_URL_SCHEME") == "https":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    if (
        is_api_request()
        or bearer_token(request) is not None
        or request.path.endswith((".pdf", ".ics", ".csv", ".xlsx", ".geojson"))
        and not request.accept_mimetypes.accept_html
    ):
        resp = jsonify(message=_("Authentication required."))
        resp.status_code = 401
        resp.headers["WWW-Authenticate"] = "Bearer"
        return resp
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))  # type: ignore[return-value]


def register_security(app: Flask) -> None:
    """Install the CSRF check and the security headers."""
    app.before_request(_refuse_nul)
    app.before_request(_csrf_check)
    app.after_request(_headers)
