"""Demo visits: the failed inspection's station visited with its proposed violation, and an
older visit whose release-detection violation is overdue (the red tag in one step)."""

from __future__ import annotations

import uuid
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from registry.assets.models import Asset
from registry.auth.services import find_user_by_email
from registry.compliance.rules import active_pack
from registry.core.types import utcnow
from registry.extensions import db
from registry.inspections.models import Inspection
from registry.sites.models import Facility
from registry.visits.services import submit_visit


def _first_code(category: str) -> str | None:
    return next(
        (v.code for v in active_pack().violations.values() if v.category == category and v.soc),
        None,
    )


def load_demo_visits() -> None:
    """Visit the failed inspection's facility that day, and another facility 40 days ago."""
    inspector = find_user_by_email("inspector@demo.local")
    failed = db.session.scalar(
        select(Inspection).where(Inspection.result == "fail").order_by(Inspection.id)
    )
    if inspector is None or failed is None:
        return
    prevention, detection = _first_code("release_prevention"), _first_code("release_detection")
    facility = failed.asset.facility
    given = [{"code": prevention, "asset_id": failed.asset_id, "corrected_on_site": True}]
    _visit(facility, failed.performed_at, [failed.id], given if prevention else [], inspector)
    other = db.session.scalar(
        select(Facility).where(Facility.id != facility.id).order_by(Facility.id)
    )
    asset_id = db.session.scalar(
        select(Asset.id).where(Asset.facility_id == getattr(other, "id", None)).order_by(Asset.id)
    )
    if other is not None and detection and asset_id:
        cited = [{"code": detection, "asset_id": asset_id, "corrected_on_site": False}]
        _visit(other, utcnow() - timedelta(days=40), [], cited, inspector)


def _visit(
    facility: Facility, at: datetime, ids: list[int], cited: list[dict[str, Any]], inspector: Any
) -> None:
    data = {
        "client_uuid": uuid.uuid4(),
        "performed_at": at,
        "kind": "routine",
        "inspection_ids": ids,
        "violations": [{**v, "note": None} for v in cited],
        "notes": None,
    }
    submit_visit(data, facility=facility, inspector=inspector)
