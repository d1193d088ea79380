"""Visit rows for the `world` fixture: a visit of facility A whose two violations are corrected
(one with an evidence file), not yet verified, and a drawn plan.

None is open: an open violation would be a reminder of organization A in every other test.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC
from datetime import datetime
from typing import Any

from werkzeug.datastructures import FileStorage

from registry.extensions import db
from registry.visits import planning
from registry.visits import violations
from registry.visits.services import submit_visit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend(world: dict[str, Any]) -> None:
    """Add visit_a, violation_corrected (SOC, past due, unresolved), violation_other, plan_a."""
    data = {
        "client_uuid": uuid.uuid4(),
        "performed_at": datetime(2025, 3, 10, 1, 30, tzinfo=UTC),
        "kind": "routine",
        "inspection_ids": [],
        "violations": [
            {"code": "BJ-LD-01", "asset_id": world["tank_a"].id, "corrected_on_site": False},
            {"code": "BJ-OP-01", "asset_id": None, "corrected_on_site": False},
        ],
        "notes": None,
    }
    visit, _ = submit_visit(data, facility=world["fac_a"], inspector=world["users"]["inspector"])
    corrected, other = visit.violations
    evidence = FileStorage(io.BytesIO(PDF), filename="report.pdf", content_type="application/pdf")
    violations.mark_corrected(
        corrected,
        user=world["users"]["operator_a"],
        corrected_on=datetime(2025, 3, 20).date(),
        evidence=evidence,
    )
    violations.mark_corrected(
        other, user=world["users"]["operator_a"], corrected_on=datetime(2025, 3, 20).date()
    )
    plan = planning.draw_plan({"count": 1, "seed": 7}, user=world["users"]["regulator"])
    db.session.commit()
    world.update(visit_a=visit, violation_corrected=corrected, violation_other=other, plan_a=plan)
