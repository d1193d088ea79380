"""Open violations as reminders: the operator is told when a return to compliance is due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import timedelta

from sqlalchemy import select

from registry.assets.models import Asset
from registry.compliance.due import DueItem
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
            Violation.compliance_inspection_id,
            Violation.asset_id,
            Asset.tag,
            Asset.operator_ref,
            Asset.kind,
            Facility.id,
            Facility.name,
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
    for (
        vid,
        code,
        due_on,
        visit_id,
        aid,
        tag,
        ref,
        kind,
        fid,
        fname,
        sub,
        org,
    ) in db.session.execute(stmt):
        state, days = state_of(due_on, as_of, window_days)
        known = library.get(code)
        yield DueItem(
            obligation=code,
            title_zh=f"{code} 整改：{known.title_zh if known else code}",
            title_en=f"{code} return to compliance: {known.title_en if known else code}",
            asset_id=aid,
            asset_tag=tag,
            asset_ref=ref,
            asset_kind=kind,
            facility_id=fid,
            facility_name=fname,
            subdistrict=sub,
            organization_id=org,
            due_on=due_on,
            last_done_on=None,
            state=state,
            days_overdue=days,
            source=SOURCE,
            extra={
                "url": f"/compliance-inspections/{visit_id}",
                "violation_id": vid,
                "uid_key": f"violation-{vid}",
            },
        )
