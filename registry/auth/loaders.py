"""How Flask-Login finds the user: the session cookie, or a bearer token."""

from __future__ import annotations

from flask import Request
from flask import g
from flask import session

from registry.auth.models import User
from registry.auth.services import SESSION_VERSION_KEY
from registry.auth.services import user_for_token
from registry.extensions import db
from registry.extensions import login_manager


def bearer_token(request: Request) -> str | None:
    """Return the bearer token of the request, if it carries one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user of a session."""
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.active:
        return None
    # A cookie made before the user's last log-out, new password or deactivation: its
    # signature is still good, so only this number can turn it away. (A cookie without the
    # number predates it and counts as version 0, which the first log-out ends.)
    if session.get(SESSION_VERSION_KEY, 0) != user.session_version:
        return None
    return user


@login_manager.request_loader
def load_user_from_request(request: Request) -> User | None:
    """Load the user of a bearer token."""
    token = bearer_token(request)
    if token is None:
        return None
    user = user_for_token(token)
    if user is not None:
        g.via_token = True
    return user
