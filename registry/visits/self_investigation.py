"""A self-investigation (隐患排查) visit satisfies the pack's hidden-hazard obligation."""

from __future__ import annotations

from typing import Any

from registry.compliance.rules import RulePack
from registry.compliance.services import activities_for_facility
from registry.compliance.services import record_activity
from registry.visits.models import ComplianceInspection


def record(visit: ComplianceInspection, *, pack: RulePack, user: Any) -> bool:
    """Record the pack's self-investigation activity for the facility, where it applies."""
    code = pack.self_investigation_activity
    if code is None or code not in {a.code for a in activities_for_facility(visit.facility, pack)}:
        return False
    record_activity(
        {
            "activity": code,
            "performed_on": visit.performed_on,
            "result": "pass",
            "performed_by": getattr(user, "name", None) or getattr(user, "email", None),
            "notes": visit.number,
        },
        facility=visit.facility,
        recorded_by=user,
        pack=pack,
    )
    return True
