"""What /healthz reports: the database, the rate-limit store (Redis when shared) and the files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import text

from registry.core.storage import store
from registry.extensions import db
from registry.extensions import limiter

log = logging.getLogger(__name__)


def _database() -> None:
    db.session.execute(text("SELECT 1"))


def _ratelimit() -> None:
    # Flask-Limiter opens no store at all when limits are off (RATELIMIT_ENABLED=False).
    storage: Any = getattr(limiter, "_storage", None)
    if storage is not None and not storage.check():
        raise ConnectionError("the rate-limit store does not answer")


def _storage() -> None:
    store().check()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "ratelimit": _ratelimit,
    "storage": _storage,
}


def report() -> tuple[dict[str, Any], bool]:
    """Run every check; return the report and whether all passed."""
    out: dict[str, Any] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            check()
            out[name] = "ok"
        except Exception as exc:  # any failure of a dependency is a finding, not a crash
            log.warning("health check %s failed: %s", name, exc)
            out[name] = "unavailable"
            healthy = False
            if name == "database":
                db.session.rollback()
    out["ratelimit_backend"] = _scheme(current_app.config.get("RATELIMIT_STORAGE_URI", ""))
    out["storage_backend"] = _scheme(current_app.config.get("STORAGE_URL") or "file://")
    out["status"] = "ok" if healthy else "unavailable"
    return out, healthy


def _scheme(url: str) -> str:
    return (url.split("://", 1)[0] or "memory") if url else "memory"
