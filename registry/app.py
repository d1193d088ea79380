"""The application factory: ordered, explicit set-up steps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask import session
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from registry import config as config_module
from registry import models  # noqa: F401
from registry.blueprints import register_blueprints
from registry.config import LOCALES
from registry.core import storage
from registry.core.converters import IdConverter
from registry.core.errorhandlers import register_error_handlers
from registry.core.pool import check_connections_cheaply
from registry.core.postgres import disable_jit
from registry.core.security import register_security
from registry.core.sqlite import enable_sqlite_pragmas
from registry.core.templating import register_template_helpers
from registry.core.transactions import end_read_only_requests_with_commit
from registry.extensions import babel
from registry.extensions import csrf
from registry.extensions import db
from registry.extensions import limiter
from registry.extensions import login_manager
from registry.extensions import migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> str:
    """Find templates/ or static/: inside the package when installed, beside it in a checkout."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return str(inside)
    return str(PACKAGE_DIR.parent / name)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the registry app."""
    app = Flask(
        "registry",
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        template_folder=_resource_dir("templates"),
        static_folder=_resource_dir("static"),
    )
    _configure(app, config)

    app.url_map.converters["int"] = IdConverter
    _init_extensions(app)
    _register_models()
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_template_helpers(app)

    register_error_handlers(app)
    from registry.cli import register_commands

    register_commands(app)
    return app


def _configure(app: Flask, config: dict[str, Any] | None) -> None:
    settings = config_module.load_settings(Path(app.instance_path))
    app.config.update(settings)
    if config:
        app.config.update(config)
        if "DISTRICT_BOUNDS" in config and isinstance(config["DISTRICT_BOUNDS"], str):
            app.config["DISTRICT_BOUNDS"] = config_module.parse_bounds(config["DISTRICT_BOUNDS"])
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in _csrf_check, bearer calls exempt
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations"))
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops:
        # Trust exactly `hops` proxies: a client cannot spoof its address past them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    storage.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"

    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"

    with app.app_context():
        enable_sqlite_pragmas(db.engine)
        disable_jit(db.engine)
    end_read_only_requests_with_commit(app)
    check_connections_cheaply(app)


def _register_models() -> None:
    """Import every models module so that metadata and the audit hooks are complete."""


def _register_blueprints(app: Flask) -> None:
    register_blueprints(app)


def select_locale() -> str:
    """Pick the language: the user's choice, else the browser's, else the setting."""

    if not has_request_context():  # CLI and jobs: mails and output in the default language
        return str(current_app.config["DEFAULT_LOCALE"])
    chosen = getattr(g, "forced_locale", None)
    if chosen in LOCALES:
        return str(chosen)
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return str(current_user.locale)
    if session.get("locale") in LOCALES:
        return str(session["locale"])
    best = request.accept_languages.best_match(LOCALES)
    return best or str(current_app.config["DEFAULT_LOCALE"])


def _register_request_hooks(app: Flask) -> None:
    register_security(app)


def _register_template_helpers(app: Flask) -> None:
    register_template_helpers(app)
