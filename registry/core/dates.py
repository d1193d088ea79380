"""Today's date where the users are, not where the server is."""

from __future__ import annotations

import re
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask import has_app_context
from flask_babel import format_date
from flask_babel import format_time


def local_zone() -> ZoneInfo:
    """Return the zone of the district (the BABEL_DEFAULT_TIMEZONE setting)."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def today() -> date:
    """Return the current date in the district's time zone."""
    return datetime.now(local_zone()).date()


def show_date(value: date | datetime | str | None) -> str:
    """One way to show a day, by locale through Babel: "Dec 7, 2026" / "2026年12月7日"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "medium")


def show_datetime(value: datetime | None) -> str:
    """One way to show a moment, in the district's zone: "Dec 7, 2026 2:30 PM" / "… 14:30"."""
    if value is None:
        return ""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


# Stored JSON (audit log, filing snapshots) keeps dates as ISO text.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def show_text(value: str) -> str:
    """Show stored text as is, unless it is an ISO date or moment: then in the one format."""
    if _ISO_DAY.fullmatch(value):
        return show_date(value)
    if _ISO_MOMENT.fullmatch(value):
        return show_datetime(datetime.fromisoformat(value))
    return value
