"""The visit form: today's asset inspections, proposed violations, rows added from the library."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import get_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry.assets.models import Asset
from registry.compliance.rules import active_pack
from registry.core.dates import today
from registry.extensions import db
from registry.people.training import training_items
from registry.sites.models import Facility
from registry.visits import services

ADDED_ROWS = 4


def library_options() -> list[dict[str, Any]]:
    """The violation codes with both titles, for the searchable list of the form."""
    locale = str(get_locale() or "zh")
    return [
        {
            "code": v.code,
            "title": v.title(locale),
            "other": v.title("en" if locale == "zh" else "zh"),
        }
        for v in active_pack().violations.values()
    ]


def blank_values(user: Any) -> dict[str, Any]:
    """A fresh form: a new client_uuid (a resent form is stored once), kind by role."""
    kind = "self_investigation" if getattr(user, "role", "") == "operator" else "routine"
    return {"client_uuid": str(uuid.uuid4()), "kind": kind, "inspection_ids": []}


def form_context(facility: Facility) -> dict[str, Any]:
    """What the form offers: today's asset inspections, their proposals, the library, assets."""
    inspections = services.inspections_of_day(facility, today())
    return {
        "inspections": inspections,
        "proposed": services.proposed_violations(inspections, active_pack()),
        "library": library_options(),
        "assets": list(
            db.session.scalars(
                select(Asset)
                .where(Asset.facility_id == facility.id, Asset.status != "permanently_closed")
                .order_by(Asset.id)
            )
        ),
        "rows": range(ADDED_ROWS),
        # The designated operators question: what the registry knows, per required class.
        "training_rules": active_pack().training,
        "training": list(training_items(today(), facility_id=facility.id)),
    }


def body_of(form: MultiDict[str, str], facility: Facility) -> dict[str, Any]:
    """Turn the form into the API's body (VisitInSchema), rows left blank dropped."""
    violations = []
    for row in range(ADDED_ROWS):
        code = (form.get(f"code_{row}") or "").split(" ", 1)[0].strip()
        if not code:
            continue
        asset = form.get(f"asset_{row}") or None
        violations.append(
            {
                "code": code,
                "asset_id": int(asset) if asset and asset.isdigit() else asset,
                "corrected_on_site": form.get(f"on_site_{row}") == "on",
                "note": form.get(f"note_{row}") or None,
            }
        )
    rules = active_pack().training
    absent = form.get("operators_present") == "no"
    if (
        absent
        and rules
        and rules.violation
        and rules.violation not in {v["code"] for v in violations}
    ):
        violations.append(
            {
                "code": rules.violation,
                "asset_id": None,
                "corrected_on_site": False,
                "note": form.get("operators_note") or None,
            }
        )
    return {
        "client_uuid": form.get("client_uuid"),
        "kind": form.get("kind"),
        "inspection_ids": [int(i) for i in form.getlist("inspection_ids") if i.isdigit()],
        "violations": violations,
        "notes": form.get("notes") or None,
    }
