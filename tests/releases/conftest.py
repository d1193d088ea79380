"""Fixtures of the release tests: the rule pack in force, and a release opened by hand."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from registry.compliance.rules import load_pack
from registry.extensions import db as _db
from registry.releases import services


@pytest.fixture
def use_pack(app: Flask) -> Iterator[Callable[[str], None]]:
    """Put a rule pack in force for one test: use_pack("us-epa-280")."""
    before = app.extensions.get("rule_pack")

    def use(name: str) -> None:
        app.extensions["rule_pack"] = load_pack(name)

    yield use
    app.extensions["rule_pack"] = before


def at(text: str) -> datetime:
    """A timestamp from ISO text with its offset ("2026-03-01T23:30+08:00"), in UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def open_release(db: Any) -> Callable[..., Any]:
    """Open a suspected release at a facility: open_release(facility, "2026-03-01T10:00+08:00")."""

    def make(facility: Any, discovered: str = "2026-03-01T10:00+08:00", **data: Any) -> Any:
        body = {"discovered_at": at(discovered), "description": "Suspected leak"} | data
        release = services.open_release(facility, body)
        _db.session.commit()
        return release

    return make
