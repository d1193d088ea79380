"""The apps the HTTP benches serve with gunicorn: the registry (from the environment) and a floor.

`bench._wsgi:registry_app` is the real app configured by DATABASE_URL etc.; `bench._wsgi:bare_app`
is a bare Flask app returning a fixed page: the cost of Flask and gunicorn alone.
`bench._wsgi:floor_app` is what any Flask + SQLAlchemy + Jinja app pays for the same work as a
registry page: a bearer token looked up by its hash (with its user), one row by its key (an asset
by tag), and a compiled Jinja layout of the same weight rendered: the floor the pages are
measured against (issue 24).
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


FLOOR_LAYOUT = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ asset.tag }} · {{ site }}</title><link rel="stylesheet" href="/static/css/app.css">
</head><body><header><a class="brand" href="/">{{ site }}</a><nav>
{% for href, label in nav %}<a href="{{ href }}">{{ label }}</a>{% endfor %}
</nav><span class="who">{{ user.email }} ({{ user.role }})</span></header>
<main><h1>{{ asset.tag }}</h1><dl>
{% for key, value in asset._mapping.items() %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}
</dl><p>{{ filler }}</p></main><footer>{{ site }}</footer></body></html>"""
NAV = [(f"/section/{i}", f"Section {i}") for i in range(8)]


def _floor() -> Flask:
    import hashlib

    import sqlalchemy as sa
    from flask import abort
    from flask import request

    app = Flask("floor")
    engine = sa.create_engine(os.environ["DATABASE_URL"], pool_size=10)
    md = sa.MetaData()
    token = sa.Table("api_token", md, autoload_with=engine)
    user = sa.Table("user_account", md, autoload_with=engine)
    asset = sa.Table("asset", md, autoload_with=engine)
    template = app.jinja_env.from_string(FLOOR_LAYOUT)
    who = (
        sa.select(user.c.id, user.c.email, user.c.role)
        .join(token, token.c.user_id == user.c.id)
        .where(token.c.token_hash == sa.bindparam("h"), token.c.revoked_at.is_(None))
    )
    cols = [asset.c[n] for n in ("id", "tag", "kind", "substance", "status", "installed_on")]
    one = sa.select(*cols).where(asset.c.tag == sa.bindparam("tag"))

    @app.get("/floor/<tag>")
    def page(tag: str) -> str:
        """Token by hash, asset by key, the layout rendered."""
        bearer = request.headers.get("Authorization", "")[len("Bearer ") :]
        digest = hashlib.sha256(bearer.encode()).hexdigest()
        with engine.connect() as conn:
            account = conn.execute(who, {"h": digest}).first()
            row = conn.execute(one, {"tag": tag}).first()
        if account is None or row is None:
            abort(404)
        return template.render(
            lang="zh", site="UST registry", nav=NAV, user=account, asset=row, filler="x" * 2000
        )

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
    if name == "floor_app":
        return _floor()
    if name == "registry_app":
        return _registry()
    if name == "probe_app":
        return _probe(_registry())
    raise AttributeError(name)
