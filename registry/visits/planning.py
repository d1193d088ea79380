"""Planning: which facilities are due a visit, and reproducible random draws ("double random")."""

from __future__ import annotations

import random
import secrets
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from registry.auth.models import User
from registry.compliance.intervals import Interval
from registry.compliance.rules import active_pack
from registry.core.dates import today
from registry.core.errors import NotFound
from registry.extensions import db
from registry.sites.models import Facility
from registry.visits.models import ComplianceInspection
from registry.visits.models import InspectionPlan


def facility_rows(as_of: date | None = None) -> list[dict[str, Any]]:
    """Every active facility with its last inspection (self-investigations aside) and due date."""
    as_of = as_of or today()
    years = Interval(years=active_pack().facility_inspection_years)
    last = (
        select(
            ComplianceInspection.facility_id.label("fid"),
            func.max(ComplianceInspection.performed_on).label("last_on"),
        )
        .where(
            ComplianceInspection.kind != "self_investigation",
            ComplianceInspection.performed_on <= as_of,
        )
        .group_by(ComplianceInspection.facility_id)
        .subquery()
    )
    stmt = (
        select(Facility.id, Facility.name, Facility.registered_on, last.c.last_on)
        .outerjoin(last, last.c.fid == Facility.id)
        .where(Facility.status == "active")
        .order_by(Facility.id)
    )
    rows = []
    for fid, name, registered_on, last_on in db.session.execute(stmt):
        due_on = years.add(last_on) if last_on else registered_on
        rows.append(
            {
                "facility_id": fid,
                "name": name,
                "last_inspected_on": last_on,
                "due_on": due_on,
                "due": last_on is None or due_on <= as_of,
            }
        )
    return rows


def inspection_due(as_of: date | None = None) -> list[dict[str, Any]]:
    """Active facilities never inspected or last inspected the pack's years ago or more."""
    return [r for r in facility_rows(as_of) if r["due"]]


def draw_plan(data: dict[str, Any], *, user: Any, as_of: date | None = None) -> InspectionPlan:
    """Draw facilities and inspectors at random from the pool; the same seed draws the same."""
    as_of = as_of or today()
    seed = data.get("seed")
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    due_only = data.get("due_only", True)
    pool = [r["facility_id"] for r in (inspection_due(as_of) if due_only else facility_rows(as_of))]
    inspectors = list(
        db.session.scalars(
            select(User.id).where(User.role == "inspector", User.active.is_(True)).order_by(User.id)
        )
    )
    per = int(data.get("inspectors_per_facility") or 2)
    rng = random.Random(seed)
    chosen = rng.sample(pool, min(int(data["count"]), len(pool)))
    drawn = [
        {
            "facility_id": fid,
            "inspector_ids": sorted(rng.sample(inspectors, min(per, len(inspectors)))),
        }
        for fid in chosen
    ]
    plan = InspectionPlan(
        seed=seed,
        count=int(data["count"]),
        due_only=due_only,
        inspectors_per_facility=per,
        drawn_on=as_of,
        facilities=drawn,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def get_plan(plan_id: int) -> InspectionPlan:
    """Return a plan, or raise NotFound."""
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound(_("No such inspection plan."))
    return plan


def plans_query() -> Any:
    """Select the plans, newest first."""
    return select(InspectionPlan).order_by(InspectionPlan.id.desc())


def assignments(user_id: int) -> list[dict[str, Any]]:
    """Return the facilities an inspector was drawn for, newest plan first."""
    out = []
    for plan in db.session.scalars(plans_query()):
        for entry in plan.facilities:
            if user_id in entry["inspector_ids"]:
                out.append({"plan_id": plan.id, "drawn_on": plan.drawn_on, **entry})
    return out


def public_draw(plan: InspectionPlan) -> dict[str, Any]:
    """The draw and its results with no personal data: facilities, dates, results."""
    ids = [e["facility_id"] for e in plan.facilities]
    rows = db.session.execute(select(Facility.id, Facility.name).where(Facility.id.in_(ids)))
    names = {fid: name for fid, name in rows}
    visits: dict[int, ComplianceInspection] = {}
    stmt = (
        select(ComplianceInspection)
        .where(
            ComplianceInspection.facility_id.in_(ids),
            ComplianceInspection.kind != "self_investigation",
            ComplianceInspection.performed_on >= plan.drawn_on,
        )
        .order_by(ComplianceInspection.performed_at)
    )
    for visit in db.session.scalars(stmt):
        visits[visit.facility_id] = visit
    return {
        "id": plan.id,
        "seed": plan.seed,
        "drawn_on": plan.drawn_on,
        "due_only": plan.due_only,
        "facilities": [
            {
                "facility_id": fid,
                "name": names.get(fid, ""),
                "inspectors": len(e["inspector_ids"]),
                "inspection_number": visits[fid].number if fid in visits else None,
                "performed_on": visits[fid].performed_on if fid in visits else None,
                "result": visits[fid].result if fid in visits else None,
            }
            for e in plan.facilities
            for fid in [e["facility_id"]]
        ],
    }
