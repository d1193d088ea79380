"""The field pack's cursor: a moment, and the assets whose carried data changed after it.

What a phone carries of an asset (its columns, facility, certificate, red tag, last inspection,
open findings, due dates, an open release at its facility) changes with rows of several tables;
each has a moment of its last change, so "changed since" is one UNION of id selects.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import union

from registry.assets.models import Asset
from registry.audit.models import AuditEvent
from registry.certificates.models import Certificate
from registry.compliance.models import ActivityRecord
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.types import utcnow
from registry.enforcement.models import RedTag
from registry.extensions import db
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.releases.models import Release
from registry.sites.models import Facility

_IN_FLIGHT = text(
    "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    " AND xact_start IS NOT NULL"
)


def new_cursor() -> str:
    """Return the cursor of a pack built now: the earliest moment a change may still commit at.

    A transaction that started before now may commit rows stamped before now after this pack
    was read; on PostgreSQL the cursor goes back to the oldest such transaction still open, so
    that the next pack carries its changes too.
    """
    moment = utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        oldest = db.session.execute(_IN_FLIGHT).scalar()
        if oldest is not None and oldest < moment:
            moment = oldest
    return str(int(moment.timestamp() * 1_000_000))


def _bad_cursor() -> Invalid:
    message = N_("Not a cursor of this server: prepare again without one.")
    return Invalid(message, errors={"since": [message]})


def parse_cursor(cursor: str | None) -> datetime | None:
    """Return the moment of a cursor (None: none given), or raise Invalid at `since`."""
    if cursor is None or cursor == "":
        return None
    try:
        micros = int(cursor)
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        raise _bad_cursor() from None
    if micros < 0 or moment > utcnow() + timedelta(minutes=5):
        raise _bad_cursor()
    return moment


def changed_asset_ids(since: datetime) -> Any:
    """Select the ids of the assets whose carried data changed at or after `since`."""
    of_facilities = union(
        select(Facility.id).where(Facility.updated_at >= since),
        select(Release.facility_id).where(
            or_(
                Release.created_at >= since,
                Release.confirmed_at >= since,
                Release.decided_at >= since,
                Release.closed_on >= since.date(),
            )
        ),
    )
    finding_changes = (
        select(Finding.asset_id)
        .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
        .where(
            or_(
                Finding.created_at >= since,
                CorrectiveAction.id.in_(_audited("corrective_action", since)),
            )
        )
    )
    return union(
        select(Asset.id).where(Asset.updated_at >= since),
        select(Asset.id).where(Asset.facility_id.in_(of_facilities)),
        select(Inspection.asset_id).where(Inspection.created_at >= since),
        finding_changes,
        select(Certificate.asset_id).where(
            or_(
                Certificate.created_at >= since,
                Certificate.revoked_at >= since,
                Certificate.id.in_(_audited("certificate", since)),
            )
        ),
        select(RedTag.asset_id).where(or_(RedTag.placed_at >= since, RedTag.lifted_at >= since)),
        select(ActivityRecord.asset_id).where(
            ActivityRecord.asset_id.is_not(None),
            or_(
                ActivityRecord.created_at >= since,
                ActivityRecord.id.in_(_audited("activity_record", since)),
            ),
        ),
    )


def _audited(entity: str, since: datetime) -> Any:
    """Select the ids of rows of an audited kind changed at or after `since` (a reopened
    corrective action, a revoked certificate, a corrected record leave no other stamp)."""
    return select(AuditEvent.row_id).where(AuditEvent.entity == entity, AuditEvent.at >= since)


def moved_away(organization_id: int, since: datetime) -> list[int]:
    """Return the ids of assets that left the organization at or after `since`: their facility
    went to another organization, or they went to another organization's facility.

    Read from the audit log, so that an operator learns only of assets it held before.
    """
    events = db.session.execute(
        select(AuditEvent.entity, AuditEvent.row_id, AuditEvent.changes).where(
            AuditEvent.at >= since,
            AuditEvent.action == "update",
            AuditEvent.entity.in_(("facility", "asset")),
        )
    ).all()
    facilities, assets = set(), set()
    for entity, row_id, diff in events:
        if entity == "facility" and _left(diff, "organization_id", {organization_id}):
            facilities.add(row_id)
        elif entity == "asset" and "facility_id" in (diff or {}):
            assets.add((row_id, diff["facility_id"][0]))
    own = set(
        db.session.scalars(select(Facility.id).where(Facility.organization_id == organization_id))
    )
    ids = {asset_id for asset_id, old in assets if old in own or old in facilities}
    if facilities:
        ids |= set(db.session.scalars(select(Asset.id).where(Asset.facility_id.in_(facilities))))
    stay = select(Asset.id).join(Facility, Facility.id == Asset.facility_id)
    stay = stay.where(Facility.organization_id == organization_id, Asset.id.in_(ids))
    return sorted(ids - set(db.session.scalars(stay)))


def _left(diff: Any, field: str, values: set[int]) -> bool:
    change = (diff or {}).get(field)
    if not change:
        return False
    return change[0] in values and change[1] not in values
