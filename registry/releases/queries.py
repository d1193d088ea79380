"""The desk's queue of releases, and a release's timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import or_
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.auth import policy
from registry.core.types import utcnow
from registry.extensions import db
from registry.releases.models import OPEN_STATES
from registry.releases.models import Release
from registry.releases.models import ReleaseStep
from registry.releases.services import base_query
from registry.sites.models import Facility


def queue_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select releases for the desk: overdue steps first, then open before ended, oldest first."""
    overdue = (
        select(ReleaseStep.id)
        .where(
            ReleaseStep.release_id == Release.id,
            ReleaseStep.done_at.is_(None),
            ReleaseStep.due_at < utcnow(),
        )
        .exists()
    )
    stmt = policy.scope(base_query(), user, Facility.organization_id)
    if filters.get("state"):
        stmt = stmt.where(Release.state == filters["state"])
    if filters.get("facility_id") is not None:
        stmt = stmt.where(Release.facility_id == filters["facility_id"])
    late = case((and_(Release.state.in_(OPEN_STATES), overdue), 0), else_=1)
    ended = case((Release.state.in_(OPEN_STATES), 0), else_=1)
    return stmt.order_by(late, ended, Release.discovered_at, Release.id)


def timeline(release: Release) -> list[Any]:
    """Return every change of the release and its steps, newest first (the audit log); the
    evidence is listed apart."""
    step_ids = [s.id for s in release.steps]
    stmt = (
        select(AuditEvent)
        .where(
            or_(
                and_(AuditEvent.entity == "release", AuditEvent.row_id == release.id),
                and_(AuditEvent.entity == "release_step", AuditEvent.row_id.in_(step_ids)),
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(500)
    )
    return list(db.session.scalars(stmt))
