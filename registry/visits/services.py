"""Record a facility visit once per client_uuid, with the violations it found; find visits."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from registry.assets.models import Asset
from registry.auth import policy
from registry.certificates.numbering import next_number
from registry.compliance.rules import RulePack
from registry.compliance.rules import active_pack
from registry.compliance.violation_library import ViolationCode
from registry.core.dates import local_zone
from registry.core.errors import N_
from registry.core.errors import Forbidden
from registry.core.errors import Invalid
from registry.core.errors import NotFound
from registry.core.types import utcnow
from registry.extensions import db
from registry.inspections.checklists import load_checklist
from registry.inspections.models import Inspection
from registry.inspections.services import fingerprint
from registry.inspections.services import stored_submission
from registry.sites.models import Facility
from registry.visits import self_investigation
from registry.visits.models import ComplianceInspection
from registry.visits.models import Violation

NUMBER_PREFIX = "CI"


def check_kind(user: Any, facility: Facility, kind: str) -> None:
    """Refuse an operator any visit but a self-investigation of its own facility (403)."""
    policy.require(user, "compliance_inspect", facility.organization_id)
    if policy.is_operator(user) and kind != "self_investigation":
        raise Forbidden(N_("An operator may only record a self-investigation of its own site."))


def _replay(client_uuid: str, digest: str) -> ComplianceInspection | None:
    return stored_submission(
        ComplianceInspection,
        client_uuid,
        digest,
        N_("A compliance inspection with this client_uuid was stored with other content."),
        "compliance_inspection_id",
    )


def submit_visit(
    data: dict[str, Any], *, facility: Facility, inspector: Any
) -> tuple[ComplianceInspection, bool]:
    """Store a visit once per client_uuid; return (visit, created). Other content: Conflict."""
    digest = fingerprint({**data, "facility_id": facility.id})
    existing = _replay(str(data["client_uuid"]), digest)
    if existing is not None:
        return existing, False
    pack = active_pack()
    performed_at = data.get("performed_at") or utcnow()
    performed_on = performed_at.astimezone(local_zone()).date()
    inspections = _asset_inspections(facility, data.get("inspection_ids") or [])
    specs = _violation_specs(pack, facility, data.get("violations") or [], inspections)
    visit = ComplianceInspection(
        number=next_number(NUMBER_PREFIX, performed_on.year),
        facility_id=facility.id,
        kind=data["kind"],
        client_uuid=str(data["client_uuid"]),
        fingerprint=digest,
        performed_at=performed_at,
        performed_on=performed_on,
        inspector_id=getattr(inspector, "id", None),
        notes=data.get("notes"),
        **_outcome(specs),
    )
    visit.inspections = inspections
    db.session.add(visit)
    try:
        db.session.flush()
    except IntegrityError:
        # Two copies of one submission raced; the unique client_uuid let one through. The whole
        # transaction goes back, the number taken with it: numbers stay without gaps.
        db.session.rollback()
        found = _replay(str(data["client_uuid"]), digest)
        if found is None:
            raise
        return found, False
    _add_violations(visit, specs, inspector)
    if visit.kind == "self_investigation":
        self_investigation.record(visit, pack=pack, user=inspector)
    return visit, True


def _outcome(specs: list[tuple[ViolationCode, dict[str, Any]]]) -> dict[str, Any]:
    cited = {(v.category, v.soc) for v, _spec in specs}
    return {
        "result": "violations" if specs else "in_compliance",
        "soc_release_prevention": ("release_prevention", True) not in cited,
        "soc_release_detection": ("release_detection", True) not in cited,
    }


def _asset_inspections(facility: Facility, ids: list[int]) -> list[Inspection]:
    """Return the asset inspections named, all of this facility, else raise Invalid (422)."""
    if not ids:
        return []
    stmt = (
        select(Inspection)
        .join(Asset, Asset.id == Inspection.asset_id)
        .where(Inspection.id.in_(sorted(set(ids))), Asset.facility_id == facility.id)
    )
    found = list(db.session.scalars(stmt))
    if len(found) != len(set(ids)):
        raise Invalid(
            N_("Invalid input."),
            errors={"inspection_ids": [N_("Not an inspection of this facility.")]},
        )
    return sorted(found, key=lambda i: i.id)


def _violation_specs(
    pack: RulePack,
    facility: Facility,
    given: list[dict[str, Any]],
    inspections: list[Inspection],
) -> list[tuple[ViolationCode, dict[str, Any]]]:
    """The violations given, then one per failed item that names one (not given already)."""
    asset_ids = set(db.session.scalars(select(Asset.id).where(Asset.facility_id == facility.id)))
    out: list[tuple[ViolationCode, dict[str, Any]]] = []
    seen: set[tuple[str, int | None]] = set()
    for index, spec in enumerate(given):
        code = pack.violations.get(spec["code"])
        if code is None:
            raise Invalid(
                N_("Invalid input."),
                errors={f"violations.{index}.code": [N_("Unknown violation code.")]},
            )
        if spec.get("asset_id") is not None and spec["asset_id"] not in asset_ids:
            raise Invalid(
                N_("Invalid input."),
                errors={f"violations.{index}.asset_id": [N_("Not an asset of this facility.")]},
            )
        seen.add((code.code, spec.get("asset_id")))
        out.append((code, spec))
    for spec in proposed_violations(inspections, pack):
        key = (spec["code"], spec["asset_id"])
        if key not in seen:
            seen.add(key)
            out.append((pack.violations[spec["code"]], spec))
    return out


def proposed_violations(inspections: list[Inspection], pack: RulePack) -> list[dict[str, Any]]:
    """Propose a violation for each non-compliant answer whose checklist item names one."""
    checklist = load_checklist()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for inspection in inspections:
        for answer in inspection.answers or []:
            item = checklist.item(answer.get("item", ""))
            if item is None or item.violation not in pack.violations:
                continue
            if not item.fails(answer.get("value")) or (item.violation, inspection.asset_id) in seen:
                continue
            seen.add((item.violation, inspection.asset_id))
            out.append(
                {
                    "code": item.violation,
                    "asset_id": inspection.asset_id,
                    "corrected_on_site": False,
                    "note": answer.get("note"),
                    "item": item.code,
                }
            )
    return out


def _add_violations(
    visit: ComplianceInspection, specs: list[tuple[ViolationCode, dict[str, Any]]], user: Any
) -> None:
    for code, spec in specs:
        on_site = bool(spec.get("corrected_on_site"))
        violation = Violation(
            compliance_inspection=visit,
            facility_id=visit.facility_id,
            asset_id=spec.get("asset_id"),
            code=code.code,
            category=code.category,
            soc=code.soc,
            severity=code.severity,
            citation=code.citation[:300],
            due_on=visit.performed_on + timedelta(days=code.rtc_days),
            status="verified" if on_site else "open",
            corrected_on_site=on_site,
            note=spec.get("note"),
        )
        if on_site:  # fixed before the inspector's eyes: verified at once
            violation.corrected_on = visit.performed_on
            violation.verified_at = utcnow()
            violation.verified_by_id = getattr(user, "id", None)
        db.session.add(violation)
    db.session.flush()


def _loads() -> list[Any]:
    return [
        selectinload(ComplianceInspection.violations),
        selectinload(ComplianceInspection.inspections),
        selectinload(ComplianceInspection.facility),
        selectinload(ComplianceInspection.inspector),
    ]


def visits_query(user: Any, *, facility_id: int | None = None) -> Select[Any]:
    """Select the visits the user may see, newest first."""
    stmt = select(ComplianceInspection).join(
        Facility, Facility.id == ComplianceInspection.facility_id
    )
    stmt = policy.scope(stmt, user, Facility.organization_id).options(*_loads())
    if facility_id is not None:
        stmt = stmt.where(ComplianceInspection.facility_id == facility_id)
    return stmt.order_by(ComplianceInspection.performed_at.desc(), ComplianceInspection.id.desc())


def get_visit(user: Any, visit_id: int) -> ComplianceInspection:
    """Return a visit the user may see, or raise NotFound."""
    visit = db.session.scalar(visits_query(user).where(ComplianceInspection.id == visit_id))
    if visit is None:
        raise NotFound(_("No such compliance inspection."))
    return visit


def visit_by_number(number: str) -> ComplianceInspection | None:
    """Return a visit by its number (for the public verification page)."""
    stmt = select(ComplianceInspection).where(ComplianceInspection.number == number.upper())
    return db.session.scalar(stmt.options(*_loads()))


def inspections_of_day(facility: Facility, day: date) -> list[Inspection]:
    """Return the asset inspections made at a facility on a day (local), oldest first."""
    zone = local_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    stmt = (
        select(Inspection)
        .join(Asset, Asset.id == Inspection.asset_id)
        .where(
            Asset.facility_id == facility.id,
            Inspection.performed_at >= start,
            Inspection.performed_at < start + timedelta(days=1),
        )
        .order_by(Inspection.performed_at, Inspection.id)
    )
    return list(db.session.scalars(stmt))
