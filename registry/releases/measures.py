"""The program's measures for a period: releases found, confirmed, closed and open, reports on
time, assets in service and overdue, inspections."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from registry.assets.models import Asset
from registry.compliance.services import due_items
from registry.core.dates import local_zone
from registry.extensions import db
from registry.inspections.models import Inspection
from registry.releases import clocks
from registry.releases.models import Release
from registry.releases.models import ReleaseStep


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=local_zone())


def _count(stmt: Any) -> int:
    return int(db.session.scalar(stmt) or 0)


def _report_step() -> str | None:
    """The pack's first step that runs from the discovery: the report the rules ask for."""
    return next((s.code for s in clocks.release_rules().steps if s.origin == "discovery"), None)


def reported_on_time_pct(begin: datetime, end: datetime) -> float | None:
    """Share of the releases found in the period whose report was done by its deadline."""
    code = _report_step()
    if code is None:
        return None
    stmt = (
        select(
            func.count(),
            func.count().filter(
                and_(ReleaseStep.done_at.is_not(None), ReleaseStep.done_at <= ReleaseStep.due_at)
            ),
        )
        .select_from(ReleaseStep)
        .join(Release, Release.id == ReleaseStep.release_id)
        .where(
            ReleaseStep.code == code,
            Release.discovered_at >= begin,
            Release.discovered_at < end,
        )
    )
    total, on_time = db.session.execute(stmt).one()
    return round(100.0 * on_time / total, 1) if total else None


def _open_at(end: datetime, to: date) -> Any:
    return and_(
        Release.discovered_at < end,
        or_(Release.closed_on.is_(None), Release.closed_on > to),
        or_(Release.state != "not_confirmed", Release.decided_at >= end),
    )


def measures(begin_on: date, end_on: date) -> dict[str, Any]:
    """Count the period's figures (both days included), in a handful of set-based queries."""
    begin, end = _start(begin_on), _start(end_on + timedelta(days=1))
    count = select(func.count()).select_from(Release)
    overdue = {
        i.asset_id
        for i in due_items(as_of=end_on)
        if i.state == "overdue" and i.asset_id is not None
    }
    return {
        "releases_suspected": _count(
            count.where(Release.discovered_at >= begin, Release.discovered_at < end)
        ),
        "releases_confirmed": _count(
            count.where(Release.confirmed_at >= begin, Release.confirmed_at < end)
        ),
        "releases_closed": _count(
            count.where(Release.closed_on >= begin_on, Release.closed_on <= end_on)
        ),
        "releases_open": _count(count.where(_open_at(end, end_on))),
        "reported_on_time_pct": reported_on_time_pct(begin, end),
        "assets_in_service": _count(
            select(func.count()).select_from(Asset).where(Asset.status == "in_service")
        ),
        "assets_overdue": len(overdue),
        "inspections": _count(
            select(func.count())
            .select_from(Inspection)
            .where(Inspection.performed_at >= begin, Inspection.performed_at < end)
        ),
    }
