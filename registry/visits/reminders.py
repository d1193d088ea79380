"""Open violations as reminders: the operator is told when a return to compliance is due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import timedelta

from sqlalchemy import select

from registry.assets.models import Asset
from registry.compliance.due import DueItem
from registry.compliance.due import reminder
from registry.compliance.due import state_of
from registry.compliance.rules import active_pack
from registry.extensions import db
from registry.sites.models import Facility
from registry.visits.models import Violation

SOURCE = "violation"


def violation_reminders(
    as_of: date, organization_id: int | None = None, window_days: int = 14
) -> Iterable[DueItem]:
    """Yield open violations due within the window or overdue, in one query."""
    stmt = (
        select(
            Violation.id,
            Violation.code,
            Violation.due_on,
            Violation.compliance_inspection_id.label("visit_id"),
            Violation.asset_id,
            Asset.tag,
            Asset.operator_ref,
            Asset.kind,
            Facility.id.label("facility_id"),
            Facility.name.label("facility_name"),
            Facility.subdistrict,
            Facility.organization_id,
        )
        .join(Facility, Facility.id == Violation.facility_id)
        .outerjoin(Asset, Asset.id == Violation.asset_id)
        .where(
            Violation.status == "open",
            Violation.due_on <= as_of + timedelta(days=window_days),
        )
        .order_by(Violation.due_on, Violation.id)
    )
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    library = active_pack().violations
    for row in db.session.execute(stmt):
        known = library.get(row.code)
        titles = (
            f"{row.code} 整改：{known.title_zh if known else row.code}",
            f"{row.code} return to compliance: {known.title_en if known else row.code}",
        )
        place = (row.facility_id, row.facility_name, row.subdistrict, row.organization_id)
        extra = {
            "url": f"/compliance-inspections/{row.visit_id}",
            "violation_id": row.id,
            "uid_key": f"violation-{row.id}",
        }
        due = (row.due_on, *state_of(row.due_on, as_of, window_days))
        asset = (row.asset_id, row.tag, row.operator_ref, row.kind)
        yield reminder(row.code, titles, place, due, SOURCE, extra, asset=asset)
