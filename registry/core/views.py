"""Home, language switch and health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from registry.config import LOCALES
from registry.core.health import report as health_report
from registry.core.http import safe_next
from registry.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
def home() -> Any:
    """Send each user to the page they start from."""
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    if current_user.role == "operator":
        return redirect(url_for("sites.facility_list"))
    if current_user.role in ("regulator", "viewer"):
        return redirect(url_for("filings.dashboard"))
    return redirect(url_for("assets.asset_list"))


@bp.post("/language")
def set_language() -> Any:
    """Remember the chosen language (for the user's account when logged in)."""
    locale = request.form.get("locale")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.home"))


@bp.get("/healthz")
def health() -> Any:
    """Say whether the database, the rate-limit store and the file store answer (503 if not)."""
    body, healthy = health_report()
    return body, 200 if healthy else 503
