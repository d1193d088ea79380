"""Open steps of open releases as reminders, counted to the hour where the rule counts hours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from sqlalchemy import select

from registry.assets.models import Asset
from registry.compliance.due import DueItem
from registry.compliance.due import asset_ref
from registry.compliance.due import reminder
from registry.core.dates import local_zone
from registry.core.dates import today
from registry.core.types import utcnow
from registry.extensions import db
from registry.releases import clocks
from registry.releases.models import OPEN_STATES
from registry.releases.models import Release
from registry.releases.models import ReleaseStep
from registry.sites.models import Facility


def _moment(as_of: date) -> datetime:
    """The moment `as_of` stands for: now today; another day, its start in the district."""
    if as_of == today():
        return utcnow()
    return datetime.combine(as_of, time(0), tzinfo=local_zone())


def state_at(due_at: datetime, as_of: date, window_days: int) -> tuple[str, int]:
    """Return (state, days overdue) of a deadline: overdue once its moment has passed."""
    due_on = clocks.local_day(due_at)
    if due_at < _moment(as_of):
        return "overdue", max((as_of - due_on).days, 0)
    if due_on <= as_of + timedelta(days=window_days):
        return "due_soon", 0
    return "ok", 0


def release_reminders(
    as_of: date, organization_id: int | None = None, window_days: int = 14
) -> Iterable[DueItem]:
    """Yield the open steps of open releases due within the window or overdue, in one query."""
    horizon = datetime.combine(as_of + timedelta(days=window_days + 1), time(0), local_zone())
    stmt = (
        select(ReleaseStep, Release, Facility, Asset)
        .join(Release, Release.id == ReleaseStep.release_id)
        .join(Facility, Facility.id == Release.facility_id)
        .outerjoin(Asset, Asset.id == Release.asset_id)
        .where(
            Release.state.in_(OPEN_STATES),
            ReleaseStep.done_at.is_(None),
            ReleaseStep.due_at.is_not(None),
            ReleaseStep.due_at < horizon,
        )
        .order_by(ReleaseStep.due_at, ReleaseStep.id)
    )
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    for step, release, facility, asset in db.session.execute(stmt):
        assert step.due_at is not None
        rule = clocks.step_rule(step.code)
        place = (facility.id, facility.name, facility.subdistrict, facility.organization_id)
        titles = (
            f"{release.number} {rule.title_zh if rule else step.code}",
            f"{release.number} {rule.title_en if rule else step.code}",
        )
        extra = {
            "url": f"/releases/{release.id}",
            "release_id": release.id,
            "due_at": step.due_at,
            "uid_key": f"release-{release.id}.{step.code}",
        }
        due = (clocks.local_day(step.due_at), *state_at(step.due_at, as_of, window_days))
        yield reminder(step.code, titles, place, due, "release", extra, asset=asset_ref(asset))
