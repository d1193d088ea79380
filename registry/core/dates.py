"""Today's date where the users are, not where the server is."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask import has_app_context


def local_zone() -> ZoneInfo:
    """Return the zone of the district (the BABEL_DEFAULT_TIMEZONE setting)."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def today() -> date:
    """Return the current date in the district's time zone."""
    return datetime.now(local_zone()).date()
