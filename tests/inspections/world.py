"""Inspection rows for the `world` fixture: a failed inspection of tank A with two findings."""

from __future__ import annotations

import uuid
from typing import Any

from registry.extensions import db
from registry.inspections import actions
from registry.inspections.checklists import load_checklist
from registry.inspections.photos import store_photo
from registry.inspections.services import submit_inspection
from tests.inspections.conftest import jpeg_bytes


def extend(world: dict[str, Any]) -> None:
    """Add inspection_a, photo_a, action_open and action_fixed (fixed by operator A)."""
    tank, inspector = world["tank_a"], world["users"]["inspector"]
    answers = []
    for item in load_checklist().for_asset(tank):
        if item.type == "yesno":
            answers.append({"item": item.code, "value": "yes", "note": None})
        elif item.type == "number" and item.required:
            answers.append({"item": item.code, "value": item.max, "note": None})
    data = {
        "client_uuid": uuid.uuid4(),
        "asset_id": tank.id,
        "performed_at": None,
        "answers": answers,
        "result": "fail",
        "notes": None,
        "latitude": None,
        "longitude": None,
        "findings": [
            {"severity": "high", "description": "Fill cap loose", "due_on": None, "item": None},
            {"severity": "low", "description": "Sign faded", "due_on": None, "item": None},
        ],
    }
    inspection, _ = submit_inspection(data, asset=tank, inspector=inspector)
    photo, _ = store_photo(jpeg_bytes(), inspection=inspection, uploaded_by=inspector)
    open_action, fixed_action = (f.corrective_action for f in inspection.findings)
    actions.mark_fixed(fixed_action, user=world["users"]["operator_a"])
    db.session.commit()
    world.update(
        inspection_a=inspection, photo_a=photo, action_open=open_action, action_fixed=fixed_action
    )
