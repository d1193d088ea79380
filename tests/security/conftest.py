"""Fixtures for the security tests: an app configured like production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry import create_app
from registry.extensions import db as _db
from tests.conftest import make_config


@pytest.fixture
def strict_app(db_location: tuple[Path, str, str | None], committed_db: Any) -> Iterator[Flask]:
    """An app like production: CSRF and rate limits on (same database, real commits)."""
    tmp, url, schema = db_location
    application = create_app(
        make_config(
            tmp,
            url,
            schema,
            WTF_CSRF_ENABLED=True,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="3 per minute",
        )
    )
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()
