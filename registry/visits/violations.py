"""Return to compliance: the operator corrects a violation, an inspector verifies or reopens."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from registry.auth import policy
from registry.compliance.uploads import store_attachment
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Conflict
from registry.core.errors import Invalid
from registry.core.errors import NotFound
from registry.core.types import utcnow
from registry.extensions import db
from registry.sites.models import Facility
from registry.visits.models import Violation


def violations_query(
    user: Any, *, status: str | None = None, facility_id: int | None = None
) -> Select[Any]:
    """Select the violations the user may see (operators: their organization's), due first."""
    stmt = select(Violation).join(Facility, Facility.id == Violation.facility_id)
    stmt = policy.scope(stmt, user, Facility.organization_id)
    if status is not None:
        stmt = stmt.where(Violation.status == status)
    if facility_id is not None:
        stmt = stmt.where(Violation.facility_id == facility_id)
    return stmt.options(
        selectinload(Violation.facility), selectinload(Violation.compliance_inspection)
    ).order_by(Violation.due_on, Violation.id)


def get_violation(user: Any, violation_id: int) -> Violation:
    """Return a violation the user may see, or raise NotFound."""
    found = db.session.scalar(violations_query(user).where(Violation.id == violation_id))
    if found is None:
        raise NotFound(_("No such violation."))
    return found


def mark_corrected(
    violation: Violation,
    *,
    user: Any,
    corrected_on: date | None,
    notes: str | None = None,
    evidence: FileStorage | None = None,
) -> None:
    """Record the operator's correction (with an optional evidence file): `corrected`."""
    if violation.status != "open":
        raise Conflict(_("Only an open violation can be marked corrected."))
    day = corrected_on or today()
    if day > today():
        raise Invalid(
            N_("Invalid input."), errors={"corrected_on": [N_("Must not be in the future.")]}
        )
    if day < violation.compliance_inspection.performed_on:
        raise Invalid(
            N_("Invalid input."),
            errors={"corrected_on": [N_("The date is before the inspection.")]},
        )
    if evidence is not None and evidence.filename:
        stored = store_attachment(evidence)
        violation.evidence_path, violation.evidence_type, violation.evidence_name = stored
    violation.status = "corrected"
    violation.corrected_on = day
    violation.corrected_by_id = getattr(user, "id", None)
    violation.correction_notes = notes
    db.session.flush()


def verify(violation: Violation, *, user: Any) -> None:
    """Confirm a correction (inspector or regulator): `verified`."""
    if violation.status != "corrected":
        raise Conflict(_("Only a corrected violation can be verified."))
    violation.status = "verified"
    violation.verified_at = utcnow()
    violation.verified_by_id = getattr(user, "id", None)
    db.session.flush()


def reopen(violation: Violation, *, user: Any, reason: str) -> None:
    """Send a correction back: the violation is `open` again, with the reason."""
    if violation.status == "open":
        raise Conflict(_("This violation is open already."))
    violation.status = "open"
    violation.corrected_on = None
    violation.verified_at = None
    violation.verified_by_id = None
    violation.reopen_reason = reason
    db.session.flush()
