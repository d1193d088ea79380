"""The forgotten-password pages: ask for a link by mail, then set a new password with it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from registry.auth.limits import reset_limits
from registry.auth.reset import complete_reset
from registry.auth.reset import live_reset
from registry.auth.reset import mail_reset
from registry.auth.reset import request_reset
from registry.auth.schemas import PasswordResetSchema
from registry.core.forms import load_form
from registry.extensions import db

bp = Blueprint("auth_reset", __name__)
# Unknown, used and expired links answer alike: the page does not tell which it was.
GONE = 410


def _limited(*, per_address: bool) -> Any:
    def wrap(view: Any) -> Any:
        for decorate in reversed(reset_limits(per_address=per_address)):
            view = decorate(view)
        return view

    return wrap


@bp.route("/password/forgot", methods=["GET", "POST"])
@_limited(per_address=True)
def password_forgot() -> Any:
    """Ask for a password reset link; the answer is the same whether the address is known."""
    if request.method == "GET":
        return render_template("auth/password_forgot.html", email="", sent=False)
    email = request.form.get("email", "")[:254]
    issued = request_reset(email)
    db.session.commit()
    if issued is not None:
        mail_reset(*issued)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return render_template("auth/password_forgot.html", email=email, sent=True, minutes=minutes)


def _gone() -> Any:
    return render_template("auth/password_reset_gone.html"), GONE


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@_limited(per_address=False)
def password_reset(token: str) -> Any:
    """Show the new-password form of a live reset link and set the password with it."""
    reset = live_reset(token)
    if reset is None:
        return _gone()
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data, errors = load_form(PasswordResetSchema(), request.form)
        if data is not None:
            if complete_reset(reset, data["password"]) is None:
                db.session.rollback()
                return _gone()
            db.session.commit()
            flash(
                _("Your password was set. Every session and API token has ended: please log in."),
                "success",
            )
            return redirect(url_for("auth.login"))
    status = 422 if errors else 200
    page = render_template("auth/password_reset.html", token=token, errors=errors)
    # The token is in the address: no Referer carries it on, no cache keeps the page.
    return page, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
