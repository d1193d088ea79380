"""The apps the HTTP benches serve with gunicorn: the registry (from the environment) and a floor.

`bench._wsgi:registry_app` is the real app configured by DATABASE_URL etc.; `bench._wsgi:bare_app`
is a bare Flask app returning a fixed page: the cost of Flask and gunicorn alone.
`bench._wsgi:probe_app` is the real app with one more page, `/_bench/minimal`: logged in, one line
in the site's layout, no query of its own: what any page of the registry costs before its content
(session, user look-up, locale, CSRF and security headers, the layout).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

FIXED_PAGE = "<!doctype html><title>bare</title><p>" + "x" * 4000 + "</p>"


def _bare() -> Flask:
    app = Flask("bare")

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def page(path: str) -> str:
        """A fixed page."""
        return FIXED_PAGE

    return app


def _registry() -> Flask:
    from registry import create_app

    os.environ.setdefault("INSTANCE_PATH", "/tmp/bench-instance")
    return create_app()


MINIMAL = '{% extends "base.html" %}{% block content %}<p>{{ _("Registry") }}</p>{% endblock %}'


def _probe(app: Flask) -> Flask:
    from flask import render_template
    from flask_login import login_required

    template = app.jinja_env.from_string(MINIMAL)  # compiled once, like the app's own templates

    @app.get("/_bench/minimal")
    @login_required
    def minimal() -> str:
        """One line in the layout, for a logged-in user."""
        return render_template(template)

    return app


def __getattr__(name: str) -> Any:
    # Built on first use, so that importing one app does not build the other.
    if name == "bare_app":
        return _bare()
    if name == "registry_app":
        return _registry()
    if name == "probe_app":
        return _probe(_registry())
    raise AttributeError(name)
