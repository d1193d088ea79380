"""`/t/<tag>`: the landing page of a scanned tag, and the box to type one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.landing import services

bp = Blueprint("landing", __name__)


def _not_found(typed: str) -> Any:
    """Answer an unknown or mistyped tag: 404 with a box to type it, or 429 past the limit."""
    if not services.allow_miss():
        page = render_template(
            "errors/error.html",
            status=429,
            title=_("Too many requests"),
            message=_(
                "Too many unknown tags were looked up from your device. Please wait a minute"
                " and try again; tags that exist still open."
            ),
        )
        return page, 429, {"Retry-After": "60"}
    return render_template("landing/not_found.html", typed=typed), 404


@bp.get("/t/lookup")
def lookup() -> Any:
    """Go to the landing page of a typed tag (the box on the not-found page)."""
    typed = (request.args.get("tag") or "").strip()
    if not typed:
        return render_template("landing/not_found.html", typed="", empty=True)
    return redirect(url_for("landing.landing", tag=typed.replace("/", "")))


@bp.get("/t/<string:tag>")
def landing(tag: str) -> Any:
    """Show the public card of a tag, or the asset's summary to staff and its operators."""
    found = services.look_up(tag)
    if found.asset is None or found.canonical is None:
        return _not_found(tag)
    if tag != found.canonical:
        return redirect(url_for("landing.landing", tag=found.canonical), code=301)
    asset = found.asset
    view = services.view_of(current_user, asset)
    context = services.public_card(found)
    if view == "summary":
        context |= services.summary(current_user, asset)
    response = make_response(render_template("landing/card.html", view=view, **context))
    # The page differs per user and changes with red tags and certificates: never cache it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
