"""The one place that reads the inspections package: what a certificate needs to know.

A change of the inspection model touches only this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import select

from registry.core.dates import local_zone
from registry.core.errors import NotFound
from registry.extensions import db
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.inspections.services import get_inspection

BLOCKING_SEVERITIES = ("high", "critical")


@dataclass(frozen=True)
class InspectionFacts:
    id: int
    asset_id: int
    result: str
    performed_at: datetime
    inspector_name: str
    finding_count: int

    @property
    def performed_on(self) -> date:
        return self.performed_at.astimezone(local_zone()).date()

    @property
    def passed(self) -> bool:
        return self.result == "pass"


def facts_of(inspection: Any) -> InspectionFacts:
    """Read the facts of an inspection object."""
    inspector = inspection.inspector
    name = (inspector.name or inspector.email) if inspector is not None else ""
    return InspectionFacts(
        id=inspection.id,
        asset_id=inspection.asset_id,
        result=inspection.result,
        performed_at=inspection.performed_at,
        inspector_name=name,
        finding_count=len(inspection.findings),
    )


def load_inspection(user: Any, inspection_id: int) -> Any:
    """Return the inspection the user may see, or raise NotFound."""

    return get_inspection(user, inspection_id)


def inspection_by_id(inspection_id: int) -> Any:
    """Return an inspection without access checks (for rendering what was already issued)."""

    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound("No such inspection.")
    return inspection


def open_blocking_findings(asset_id: int) -> int:
    """Count the asset's high or critical findings whose corrective action is not verified."""

    stmt = (
        select(db.func.count())
        .select_from(Finding)
        .outerjoin(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
        .where(
            Finding.asset_id == asset_id,
            Finding.severity.in_(BLOCKING_SEVERITIES),
            db.or_(CorrectiveAction.id.is_(None), CorrectiveAction.status != "verified"),
        )
    )
    return int(db.session.scalar(stmt) or 0)


def latest_inspection_id(asset_id: int) -> int | None:
    """Return the id of the asset's latest inspection (performed last; on a tie, stored last)."""

    return db.session.scalar(
        select(Inspection.id)
        .where(Inspection.asset_id == asset_id)
        .order_by(Inspection.performed_at.desc(), Inspection.id.desc())
        .limit(1)
    )
