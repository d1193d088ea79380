"""The apps the HTTP benches serve with gunicorn: the registry (from the environment) and a floor.

`bench._wsgi:registry_app` is the real app configured by DATABASE_URL etc.; `bench._wsgi:bare_app`
is a bare Flask app returning a fixed page: the cost of Flask and gunicorn alone.
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


def __getattr__(name: str) -> Any:
    # Built on first use, so that importing one app does not build the other.
    if name == "bare_app":
        return _bare()
    if name == "registry_app":
        from registry import create_app

        os.environ.setdefault("INSTANCE_PATH", "/tmp/bench-instance")
        return create_app()
    raise AttributeError(name)
