"""The log-in limits that `/login` and `POST /api/v1/auth/token` share.

Two counters, each shared by both doors (Flask-Limiter's shared limits): one per client
address, which counts every attempt, and one per account, keyed by the normalised e-mail
address whether or not an account has it, which counts failed attempts only (so a script
that fetches a token now and then never locks its own account). The second stops a guess
at one account spread over many addresses; answering the same for unknown addresses keeps
it from telling which accounts exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response
from flask import current_app
from flask import request
from flask_babel import gettext as _
from limits import parse

from registry.extensions import _client_key
from registry.extensions import limiter

CLIENT_SCOPE = "login"
ACCOUNT_SCOPE = "login-account"
MISS_SCOPE = "tag-miss"


def _client_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_limit() -> str:
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def attempted_email() -> str:
    """Return the normalised e-mail address a log-in attempt names (form or JSON body)."""
    email: Any = request.form.get("email")
    if email is None:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return str(email or "").strip().lower()[:254]


def _account_key() -> str:
    # Never empty: Flask-Limiter skips a limit whose key is empty.
    return f"account:{attempted_email()}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _message() -> str:
    return _("Too many log-in attempts. Please wait a few minutes and try again.")


def login_limits() -> list[Callable[[Any], Any]]:
    """Return the decorators that put a log-in door under both shared counters."""
    return [
        limiter.shared_limit(
            _client_limit, scope=CLIENT_SCOPE, methods=["POST"], error_message=_message
        ),
        limiter.shared_limit(
            _account_limit,
            scope=ACCOUNT_SCOPE,
            key_func=_account_key,
            methods=["POST"],
            deduct_when=_failed,
            error_message=_message,
        ),
    ]


def allow_lookup_miss() -> bool:
    """Count one look-up of an unknown tag or certificate number for this client.

    False when over TAG_MISS_RATE_LIMIT. Tags and certificate numbers share the counter, so
    guessing at both doors gets no more tries than at one. Only misses are counted and
    refused: a real tag or number always answers.
    """
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return True
    item = parse(str(config["TAG_MISS_RATE_LIMIT"]))
    return bool(limiter.limiter.hit(item, MISS_SCOPE, _client_key()))


RESET_SCOPE = "password-reset"
RESET_ADDRESS_SCOPE = "password-reset-address"


def _reset_client_limit() -> str:
    return str(current_app.config["PASSWORD_RESET_RATE_LIMIT"])


def _reset_address_limit() -> str:
    return str(current_app.config["PASSWORD_RESET_ACCOUNT_RATE_LIMIT"])


def _reset_address_key() -> str:
    return f"reset:{attempted_email()}"


def _reset_message() -> str:
    return _("Too many requests. Please wait a while and try again.")


def reset_limits(*, per_address: bool) -> list[Callable[[Any], Any]]:
    """Return the decorators that limit the password reset pages per client (and address).

    Every request counts, known address or not: a mailbox is not flooded with links, and
    the limit answers the same for addresses without an account.
    """
    limits: list[Callable[[Any], Any]] = [
        limiter.shared_limit(
            _reset_client_limit, scope=RESET_SCOPE, methods=["POST"], error_message=_reset_message
        )
    ]
    if per_address:
        limits.append(
            limiter.shared_limit(
                _reset_address_limit,
                scope=RESET_ADDRESS_SCOPE,
                key_func=_reset_address_key,
                methods=["POST"],
                error_message=_reset_message,
            )
        )
    return limits
