"""Open corrective actions as reminders: an operator is told when a finding's fix is due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import timedelta

from sqlalchemy import select

from registry.assets.models import Asset
from registry.compliance.due import DueItem
from registry.compliance.due import asset_ref
from registry.compliance.due import reminder
from registry.compliance.due import state_of
from registry.extensions import db
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.sites.models import Facility

OBLIGATION = "corrective_action"
TITLES = {
    "zh": "整改：{severity}问题 — {description}",
    "en": "Corrective action: {severity} finding — {description}",
}
SEVERITY_ZH = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}


def _title(locale: str, severity: str, description: str) -> str:
    short = description if len(description) <= 60 else description[:59] + "…"
    label = SEVERITY_ZH.get(severity, severity) if locale == "zh" else severity
    return TITLES[locale].format(severity=label, description=short)


def corrective_action_reminders(
    as_of: date, organization_id: int | None = None, window_days: int = 14
) -> Iterable[DueItem]:
    """Yield open corrective actions due within the window or overdue, in one query."""
    stmt = (
        select(CorrectiveAction, Finding, Asset, Facility)
        .join(Finding, Finding.id == CorrectiveAction.finding_id)
        .join(Asset, Asset.id == Finding.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .where(
            CorrectiveAction.status == "open",
            CorrectiveAction.due_on <= as_of + timedelta(days=window_days),
            Asset.status != "permanently_closed",
        )
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
    )
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    for action, finding, asset, facility in db.session.execute(stmt):
        place = (facility.id, facility.name, facility.subdistrict, facility.organization_id)
        titles = (
            _title("zh", finding.severity, finding.description),
            _title("en", finding.severity, finding.description),
        )
        extra = {"url": f"/inspections/{finding.inspection_id}", "finding_id": finding.id}
        due = (action.due_on, *state_of(action.due_on, as_of, window_days))
        yield reminder(
            OBLIGATION, titles, place, due, "corrective_action", extra, asset=asset_ref(asset)
        )
