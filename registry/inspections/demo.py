"""Demo inspections: one pass and one fail with an open finding, at the first gas station."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from registry.assets.models import Asset
from registry.auth.services import find_user_by_email
from registry.core.types import utcnow
from registry.extensions import db
from registry.inspections.checklists import load_checklist
from registry.inspections.services import submit_inspection


def _answers(asset: Asset, failing: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in load_checklist().for_asset(asset):
        if item.type == "yesno":
            value = "no" if item.code == failing else "yes"
            out.append({"item": item.code, "value": value, "note": None})
        elif item.type == "number" and item.required:
            out.append({"item": item.code, "value": item.max, "note": None})
    return out


def load_demo_inspections(asset_ids: list[int]) -> None:
    """Record a passed inspection of the first asset and a failed one of the second."""
    inspector = find_user_by_email("inspector@demo.local")
    assets = list(db_assets(asset_ids[:2]))
    if inspector is None or len(assets) < 2:
        return
    for asset, failing, days in ((assets[0], None, 20), (assets[1], "fill_cap_tight", 12)):
        data = {
            "client_uuid": uuid.uuid4(),
            "asset_id": asset.id,
            "performed_at": utcnow() - timedelta(days=days),
            "answers": _answers(asset, failing),
            "result": "fail" if failing else "pass",
            "notes": None,
            "latitude": asset.facility.latitude,
            "longitude": asset.facility.longitude,
            "findings": [],
        }
        submit_inspection(data, asset=asset, inspector=inspector)


def db_assets(ids: list[int]) -> Any:
    """Return the assets of some ids, in id order."""

    return db.session.scalars(select(Asset).where(Asset.id.in_(ids)).order_by(Asset.id))
