"""Submit filings, review them, and find them."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from registry.auth import policy
from registry.core import signals
from registry.core.dates import show_datetime
from registry.core.dates import today
from registry.core.errors import Conflict
from registry.core.errors import Invalid
from registry.core.signals import announce
from registry.core.types import utcnow
from registry.extensions import db
from registry.filings import quality
from registry.filings import snapshot
from registry.filings.models import Filing
from registry.filings.models import FilingSnapshot
from registry.sites.models import Facility


def waiting_filing(facility_id: int) -> Filing | None:
    """Return the facility's filing that waits for review, if any."""
    return db.session.scalar(
        select(Filing).where(Filing.facility_id == facility_id, Filing.status == "submitted")
    )


def submit_filing(facility: Facility, *, submitted_by: Any, note: str | None = None) -> Filing:
    """File the facility's data as it is now, with its data-quality problems; one at a time."""
    if waiting_filing(facility.id) is not None:
        raise Conflict(
            _(
                "A filing of this facility is already waiting for review; "
                "wait for the bureau's decision before filing again."
            )
        )
    problems = [
        {"code": p.code, "asset_id": p.asset_id} for p in quality.facility_problems(facility.id)
    ]
    filing = Filing(
        facility_id=facility.id,
        status="submitted",
        note=note,
        problem_count=len(problems),
        submitted_at=utcnow(),
        submitted_by_id=getattr(submitted_by, "id", None),
    )
    filing.snapshot = FilingSnapshot(data=snapshot.take(facility), problems=problems)
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it
        # opens, and a failure there would spoil the whole transaction (a 500, not a 409).
        with db.session.begin_nested():
            db.session.add(filing)
    except IntegrityError as exc:  # two submissions at the same moment
        raise Conflict(_("A filing of this facility is already waiting for review.")) from exc
    return filing


def _review(filing: Filing, status: str, *, reviewed_by: Any, comment: str | None) -> None:
    """Record the decision on a waiting filing, in one change of the row."""
    if filing.status != "submitted":
        raise Conflict(_("This filing has already been reviewed."))
    filing.status = status
    filing.comment = comment
    filing.reviewed_at = utcnow()
    filing.reviewed_by_id = getattr(reviewed_by, "id", None)
    if status == "accepted":
        filing.accepted_on = today()
    try:
        db.session.flush()
    except StaleDataError as exc:  # another regulator decided at the same moment
        raise Conflict(_("This filing has already been reviewed.")) from exc


def accept_filing(filing: Filing, *, reviewed_by: Any, comment: str | None = None) -> Filing:
    """Accept a waiting filing; it then counts as the facility's basic information report."""
    _review(filing, "accepted", reviewed_by=reviewed_by, comment=comment)
    announce(
        signals.filing_accepted,
        filing=filing,
        facility_id=filing.facility_id,
        accepted_on=filing.accepted_on,
    )
    return filing


def return_filing(filing: Filing, *, reviewed_by: Any, comment: str | None) -> Filing:
    """Send a waiting filing back to the operator with the reason; a comment is required."""
    if not (comment or "").strip():
        raise Invalid(
            _("A comment is required when returning a filing."),
            errors={"comment": [_("Say what the operator must correct.")]},
        )
    _review(filing, "returned", reviewed_by=reviewed_by, comment=comment.strip())  # type: ignore[union-attr]
    return filing


def accept_consequences(filing: Filing) -> list[str]:
    """Say what accepting a filing does."""
    lines = [
        _(
            "The filing of %(facility)s (%(organization)s), filed %(when)s, becomes the "
            "facility's accepted record: later filings are compared with it.",
            facility=filing.facility.name,
            organization=filing.facility.organization.name,
            when=show_datetime(filing.submitted_at),
        )
    ]
    if filing.problem_count:
        lines.append(
            _(
                "Data-quality problems when filed: %(count)s; accepting does not correct them.",
                count=filing.problem_count,
            )
        )
    lines.append(_("The operator sees the filing accepted."))
    return lines


def return_consequences(filing: Filing, comment: str) -> list[str]:
    """Say what returning a filing does."""
    return [
        _(
            "The filing of %(facility)s goes back to %(organization)s with your comment: "
            "%(comment)s",
            facility=filing.facility.name,
            organization=filing.facility.organization.name,
            comment=comment,
        ),
        _("The operator corrects the data and files again; nothing is accepted meanwhile."),
    ]


def get_filing(user: Any, filing_id: int) -> Filing:
    """Return a filing the user may see, or raise NotFound."""
    stmt = (
        select(Filing)
        .join(Facility, Facility.id == Filing.facility_id)
        .where(Filing.id == filing_id)
        .options(joinedload(Filing.facility), joinedload(Filing.snapshot))
    )
    return policy.visible_one(stmt, user, Facility.organization_id, "filing not found")


def filings_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the filings the user may see, newest first, filtered."""
    stmt = (
        select(Filing)
        .join(Facility, Facility.id == Filing.facility_id)
        .options(
            joinedload(Filing.facility),
            joinedload(Filing.submitted_by),
            joinedload(Filing.reviewed_by),
        )
    )
    stmt = policy.scope(stmt, user, Facility.organization_id)
    for key, column in (
        ("status", Filing.status),
        ("facility_id", Filing.facility_id),
        ("organization_id", Facility.organization_id),
        ("subdistrict", Facility.subdistrict),
    ):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    # Waiting filings are reviewed oldest first; history reads newest first.
    if filters.get("status") == "submitted":
        return stmt.order_by(Filing.submitted_at, Filing.id)
    return stmt.order_by(Filing.submitted_at.desc(), Filing.id.desc())


def last_accepted(facility_id: int, *, before: Filing | None = None) -> Filing | None:
    """Return the facility's latest accepted filing (older than `before`, when given)."""
    stmt = select(Filing).where(Filing.facility_id == facility_id, Filing.status == "accepted")
    if before is not None:
        stmt = stmt.where(Filing.id < before.id)
    stmt = stmt.options(joinedload(Filing.snapshot)).order_by(Filing.id.desc()).limit(1)
    return db.session.scalar(stmt)


def changes_of(filing: Filing) -> dict[str, Any]:
    """Compare a filing with the facility's last accepted filing before it."""
    previous = last_accepted(filing.facility_id, before=filing)
    return snapshot.diff(previous.snapshot.data if previous else None, filing.snapshot.data)


def changes_since_accepted(facility: Facility) -> tuple[Filing | None, dict[str, Any]]:
    """Compare the facility's data now with its last accepted filing."""
    previous = last_accepted(facility.id)
    return previous, snapshot.diff(
        previous.snapshot.data if previous else None, snapshot.take(facility)
    )
