"""Calendar feed per organization: tokens (kept hashed, revocable) and the iCalendar document."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext
from icalendar import Calendar
from icalendar import Event
from sqlalchemy import select

from registry.audit.services import revoke_all
from registry.compliance.due import DueItem
from registry.compliance.models import CalendarToken
from registry.core.errors import NotFound
from registry.core.types import utcnow
from registry.extensions import db

FEED_HORIZON_DAYS = 400


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(organization_id: int, *, created_by: Any = None) -> str:
    """Make a feed token for an organization; return it (only its hash is kept)."""
    token = secrets.token_urlsafe(24)
    db.session.add(
        CalendarToken(
            organization_id=organization_id,
            token_hash=_hash(token),
            hint=token[:6],
            created_by_id=getattr(created_by, "id", None),
        )
    )
    db.session.flush()
    return token


def tokens_of(organization_id: int) -> list[CalendarToken]:
    """Return an organization's feed tokens, newest first."""
    stmt = (
        select(CalendarToken)
        .where(CalendarToken.organization_id == organization_id)
        .order_by(CalendarToken.created_at.desc(), CalendarToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def revoke_token(organization_id: int, token_id: int) -> CalendarToken:
    """Revoke a feed token: its feed answers 404 from now on."""
    row = db.session.get(CalendarToken, token_id)
    if row is None or row.organization_id != organization_id:
        raise NotFound("token not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
    return row


def check_token(organization_id: int, token: str | None) -> bool:
    """Say whether a token opens this organization's feed (known, not revoked)."""
    if not token:
        return False
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == _hash(token)))
    return bool(row and row.organization_id == organization_id and row.revoked_at is None)


def uid_of(item: DueItem) -> str:
    """A UID that stays the same for the same obligation of the same asset or facility."""
    target = f"asset-{item.asset_id}" if item.asset_id else f"facility-{item.facility_id}"
    if "finding_id" in item.extra:  # several corrective actions can be due on one asset
        target += f".finding-{item.extra['finding_id']}"
    if "uid_key" in item.extra:  # other sources name what sets their items apart
        target += f".{item.extra['uid_key']}"
    return f"{item.obligation}.{target}.org-{item.organization_id}@ust-registry"


def build_feed(
    items: list[DueItem], *, name: str, locale: str, base_url: str, stamp_day: date
) -> bytes:
    """Return an iCalendar document with one event per due item (all-day unless it has an hour)."""
    cal = Calendar()
    cal.add("prodid", "-//UST registry//reminders//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for item in items:
        event = Event()
        event.add("uid", uid_of(item))
        where = item.asset_ref or item.asset_tag or item.facility_name
        summary = f"{item.title(locale)} · {where}"
        if item.state == "no_record":
            with force_locale(locale):
                summary += f" ({gettext('Last date not recorded')})"
        event.add("summary", summary)
        if "due_at" in item.extra:  # a deadline to the hour (a release's 24-hour report)
            event.add("dtstart", item.extra["due_at"])
            event.add("dtend", item.extra["due_at"] + timedelta(hours=1))
        else:
            event.add("dtstart", item.due_on)
            event.add("dtend", item.due_on + timedelta(days=1))
        event.add("dtstamp", utcnow())
        event.add("description", f"{item.facility_name}\n{record_link(item, base_url)}")
        event.add("url", record_link(item, base_url))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def record_link(item: DueItem, base_url: str) -> str:
    """The page where the activity that satisfies an item is recorded."""
    activity = item.extra.get("record_activity") or (item.activities[0] if item.activities else "")
    if "url" in item.extra:
        return f"{base_url}{item.extra['url']}"
    if item.asset_id:
        return f"{base_url}/assets/{item.asset_id}/records/new?activity={activity}"
    return f"{base_url}/facilities/{item.facility_id}/records/new?activity={activity}"


def revoke_tokens_created_by(user_id: int) -> int:
    """Revoke every live feed token a user created (the user leaves); return how many."""
    now = utcnow()
    live = select(CalendarToken.id).where(
        CalendarToken.created_by_id == user_id, CalendarToken.revoked_at.is_(None)
    )
    return revoke_all(CalendarToken, "calendar_token", live, now)
