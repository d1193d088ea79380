"""Open releases, list them, record their steps, and move them through their states.

States: suspected → confirmed → closed, or suspected → not_confirmed. Any other move is
refused (409). Every change lands in the audit log (the release's timeline).
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.assets.models import Asset
from registry.auth import policy
from registry.compliance.uploads import store_attachment
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Conflict
from registry.core.errors import Invalid
from registry.core.errors import NotFound
from registry.core.types import utcnow
from registry.extensions import db
from registry.releases import clocks
from registry.releases.models import OPEN_STATES
from registry.releases.models import Release
from registry.releases.models import ReleaseEvidence
from registry.releases.models import ReleaseStep
from registry.releases.numbering import next_number
from registry.sites.models import Facility
from registry.sites.services import check_version
from registry.sites.services import flush_versioned

# Which state each act leaves from, and where it goes.
MOVES = {
    "confirm": ("suspected", "confirmed"),
    "not_confirmed": ("suspected", "not_confirmed"),
    "close": ("confirmed", "closed"),
}
DETAILS = ("kind", "substance", "cause", "failed_equipment", "media", "free_product")


def _not_in_future(field: str, moment: datetime | None) -> None:
    if moment is not None and moment > utcnow():
        raise Invalid(N_("Invalid input."), errors={field: [N_("Must not be in the future.")]})


def _facility_assets(facility: Facility, ids: list[int]) -> list[int]:
    """Check that the assets named belong to the facility; return them without repeats."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = set(
        db.session.scalars(
            select(Asset.id).where(Asset.facility_id == facility.id, Asset.id.in_(ids))
        )
    )
    if found != set(ids):
        raise Invalid(
            N_("Invalid input."),
            errors={"asset_id": [N_("This tank or pipeline is not at this facility.")]},
        )
    return ids


def open_release(facility: Facility, data: dict[str, Any], *, opened_by: Any = None) -> Release:
    """Open a suspected release at a facility, with the steps that run from its discovery."""
    discovered_at: datetime = data["discovered_at"]
    _not_in_future("discovered_at", discovered_at)
    asset_id = data.get("asset_id")
    affected = _facility_assets(
        facility, ([asset_id] if asset_id else []) + list(data.get("affected_asset_ids") or [])
    )
    release = Release(
        number=next_number(clocks.local_day(discovered_at).year),
        facility=facility,
        facility_id=facility.id,
        asset_id=asset_id,
        source=data.get("source") or "report",
        state="suspected",
        discovered_at=discovered_at,
        description=data["description"],
        affected_asset_ids=affected,
        media=list(data.get("media") or []),
        opened_by_id=getattr(opened_by, "id", None),
        **{k: data[k] for k in DETAILS if k != "media" and data.get(k) is not None},
    )
    db.session.add(release)
    clocks.add_steps(release, "discovery")
    db.session.flush()
    return release


def base_query() -> Select[Any]:
    return (
        select(Release)
        .join(Facility, Facility.id == Release.facility_id)
        .options(selectinload(Release.steps), selectinload(Release.evidence))
    )


def get_release(user: Any, release_id: int) -> Release:
    """Return a release the user may see (operators: their organization's), or raise NotFound."""
    stmt = base_query().where(Release.id == release_id)
    return policy.visible_one(stmt, user, Facility.organization_id, N_("No such release."))


def releases_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the releases the user may see, filtered by state and facility, newest first."""
    stmt = policy.scope(base_query(), user, Facility.organization_id)
    if filters.get("state"):
        stmt = stmt.where(Release.state == filters["state"])
    if filters.get("facility_id") is not None:
        stmt = stmt.where(Release.facility_id == filters["facility_id"])
    return stmt.order_by(Release.discovered_at.desc(), Release.id.desc())


def open_release_at(facility_id: int) -> Release | None:
    """Return the oldest open (suspected or confirmed) release of a facility, if any."""
    stmt = (
        select(Release)
        .where(Release.facility_id == facility_id, Release.state.in_(OPEN_STATES))
        .order_by(Release.discovered_at, Release.id)
        .limit(1)
    )
    return db.session.scalar(stmt)


def _move(release: Release, act: str, version: int | None) -> None:
    if version is not None:
        check_version(release, version)
    source, target = MOVES[act]
    if release.state != source:
        raise Conflict(
            N_("This release cannot go from its state to that one."),
            state=release.state,
        )
    release.state = target


def _complete_by_decision(release: Release, moment: datetime, by: Any) -> None:
    for step in release.steps:
        rule = clocks.step_rule(step.code)
        if step.done_at is None and rule is not None and rule.completed_by_decision:
            step.done_at = moment
            step.done_by_id = getattr(by, "id", None)


def confirm(release: Release, *, confirmed_at: datetime, by: Any, **data: Any) -> Release:
    """Confirm a suspected release; the steps that run from the confirmation start."""
    _not_in_future("confirmed_at", confirmed_at)
    if confirmed_at < release.discovered_at:
        raise Invalid(
            N_("Invalid input."), errors={"confirmed_at": [N_("Must not be before the discovery.")]}
        )
    _move(release, "confirm", data.pop("version", None))
    release.confirmed_at = confirmed_at
    release.decided_at = confirmed_at
    for key in DETAILS:
        if data.get(key) is not None:
            setattr(release, key, data[key])
    _complete_by_decision(release, confirmed_at, by)
    clocks.add_steps(release, "confirmation")
    clocks.add_steps(release, "request")
    flush_versioned(release)
    return release


def not_confirmed(release: Release, *, reason: str, by: Any, version: int | None = None) -> Release:
    """End a suspected release as not confirmed, with the reason (a faulty monitor, no leak)."""
    _move(release, "not_confirmed", version)
    now = utcnow()
    release.not_confirmed_reason = reason
    release.decided_at = now
    _complete_by_decision(release, now, by)
    flush_versioned(release)
    return release


def close(
    release: Release, *, closed_on: date, reason: str, by: Any, version: int | None = None
) -> Release:
    """Close a confirmed release (the regulator's no-further-action decision)."""
    if closed_on > today():
        raise Invalid(
            N_("Invalid input."), errors={"closed_on": [N_("Must not be in the future.")]}
        )
    if release.confirmed_at and closed_on < clocks.local_day(release.confirmed_at):
        raise Invalid(
            N_("Invalid input."), errors={"closed_on": [N_("Must not be before the confirmation.")]}
        )
    _move(release, "close", version)
    release.closed_on = closed_on
    release.close_reason = reason
    flush_versioned(release)
    return release


def _step(release: Release, code: str) -> ReleaseStep:
    step = next((s for s in release.steps if s.code == code), None)
    if step is None:
        raise NotFound(N_("This release has no such step."))
    return step


def record_step(
    release: Release, code: str, *, done_at: datetime, notes: str | None = None, by: Any
) -> ReleaseStep:
    """Record that a step of an open release was done, when, with notes."""
    step = _step(release, code)
    if not release.is_open:
        raise Conflict(N_("This release is no longer open."), state=release.state)
    _not_in_future("done_at", done_at)
    if done_at < release.discovered_at:
        raise Invalid(
            N_("Invalid input."), errors={"done_at": [N_("Must not be before the discovery.")]}
        )
    step.done_at = done_at
    step.notes = notes
    step.done_by_id = getattr(by, "id", None)
    db.session.flush()
    return step


def request_step(release: Release, code: str, *, due_at: datetime) -> ReleaseStep:
    """Start the clock of a step the agency asks for (a corrective action plan), due `due_at`."""
    step = _step(release, code)
    rule = clocks.step_rule(code)
    if rule is None or rule.origin != "request":
        raise Conflict(N_("This step's deadline is set by the rules, not by request."))
    if not release.is_open:
        raise Conflict(N_("This release is no longer open."), state=release.state)
    step.due_at = due_at
    db.session.flush()
    return step


def add_evidence(release: Release, *, kind: str, by: Any = None, **links: Any) -> ReleaseEvidence:
    """Attach evidence to a release (a record, an alert's reading, an inspection, a file)."""
    item = ReleaseEvidence(kind=kind, added_by_id=getattr(by, "id", None), **links)
    release.evidence.append(item)
    db.session.flush()
    return item


def attach_file(release: Release, upload: Any, *, note: str | None, by: Any) -> ReleaseEvidence:
    """Keep a file or photo as evidence of a release (a report sent, a test result, a photo)."""
    if upload is None or not upload.filename:
        raise Invalid(N_("Invalid input."), errors={"file": [N_("Choose a file to upload.")]})
    path, ctype, name = store_attachment(upload)
    return add_evidence(
        release, kind="file", by=by, file_path=path, file_type=ctype, file_name=name, note=note
    )
