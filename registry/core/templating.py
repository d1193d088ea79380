"""Filters and globals the templates share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from datetime import datetime
from typing import Any

from flask import Flask
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from registry.auth import policy
from registry.core import choices
from registry.core.dates import show_date
from registry.core.dates import show_datetime
from registry.core.panels import panels


def _fmt_date(value: date | str | None, fmt: str | None = None) -> str:
    # One format per locale everywhere (issue 25); `fmt` is accepted from older templates only.
    return show_date(value)


def _fmt_datetime(value: datetime | None, fmt: str | None = None) -> str:
    return show_datetime(value)


def _label(code: str | None, group: str) -> str:
    return choices.label(group, code)


def _labels(codes: list[str] | None, group: str) -> str:
    return (
        "、".join(choices.label(group, c) for c in codes or [])
        if str(get_locale()) == "zh"
        else ", ".join(choices.label(group, c) for c in codes or [])
    )


def _url_with(**params: Any) -> str:
    """Return the current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in params.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "core.home", **values)


_NAV: dict[str, tuple[Any, Callable[[Any], bool]]] = {}


def add_nav_item(endpoint: str, label: Any, visible: Callable[[Any], bool]) -> None:
    """Add a link to the main navigation for users for whom `visible(user)` holds.

    `visible` may read the user's role only: the navigation is rendered once per role."""
    _NAV[endpoint] = (label, visible)


def _extra_nav_items() -> list[dict[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [
        {"url": url_for(endpoint), "label": str(label)}
        for endpoint, (label, visible) in _NAV.items()
        if visible(current_user)
    ]


def _main_nav() -> Markup:
    """The main navigation of the current user, rendered once per process for each role,
    locale and script root: a logged-in page drew it twice (the wide bar and the phone menu),
    asking every link's visibility, a fifth of a small page's time (issue 24)."""
    if not current_user.is_authenticated:
        return Markup("")
    cache = current_app.extensions.setdefault("main_nav", {})
    key = (current_user.role, str(get_locale()), request.script_root)
    html = cache.get(key)
    if html is None:
        html = cache[key] = Markup(render_template("_nav.html"))
    return html


def _can(action: str, organization_id: int | None = None) -> bool:
    return policy.can(current_user, action, organization_id)


def register_template_helpers(app: Flask) -> None:
    """Install the filters and globals."""
    app.jinja_env.filters.update(
        date=_fmt_date,
        datetime=_fmt_datetime,
        label=_label,
        labels=_labels,
    )
    app.jinja_env.globals.update(
        can=_can,
        choices=choices,
        url_with=_url_with,
        current_locale=lambda: str(get_locale()),
        extra_nav_items=_extra_nav_items,
        main_nav=_main_nav,
        panels=panels,
    )
