"""Record inspections (idempotent on client_uuid), find them, follow up their findings."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask import current_app
from flask import has_request_context
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import selectinload

from registry.assets.models import Asset
from registry.auth import policy
from registry.core.dates import local_zone
from registry.core.errors import Conflict
from registry.core.errors import NotFound
from registry.core.signals import announce
from registry.core.signals import inspection_passed
from registry.core.types import utcnow
from registry.extensions import db
from registry.inspections import actions
from registry.inspections.answers import check_answers
from registry.inspections.checklists import Checklist
from registry.inspections.checklists import Item
from registry.inspections.checklists import load_checklist
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.sites.models import Facility


def checklist_for(asset: Asset, locale: str) -> dict[str, Any]:
    """Return `{version, items}` of the checklist asked about an asset, labelled in a language."""
    checklist = load_checklist()
    return {
        "version": checklist.version,
        "items": [
            {
                "code": item.code,
                "label": item.label(locale),
                "type": item.type,
                "required": item.required,
                "unit": item.unit,
                "min": item.min,
                "max": item.max,
                "valid_min": item.valid_min,
                "valid_max": item.valid_max,
                "choices": [
                    {"value": c.value, "label": c.label_zh if locale == "zh" else c.label_en}
                    for c in item.choices
                ],
                "violation": item.violation,
            }
            for item in checklist.for_asset(asset)
        ],
    }


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fingerprint(data: dict[str, Any]) -> str:
    """Hash the canonical form of a validated submission (same meaning, same hash)."""
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stored_submission(model: Any, client_uuid: str, digest: str, refused: str, id_key: str) -> Any:
    """The row stored before under this client_uuid (a replay), None when there is none.

    `model` is a model with a unique `client_uuid` and the `fingerprint` of what it stored.
    The same client_uuid with other content (another fingerprint) raises Conflict(refused),
    naming the stored row's id under `id_key`.
    """
    existing = db.session.scalar(select(model).where(model.client_uuid == client_uuid))
    if existing is not None and existing.fingerprint != digest:
        raise Conflict(refused, **{id_key: existing.id})
    return existing


def _replay(client_uuid: str, digest: str) -> Inspection | None:
    return stored_submission(
        Inspection,
        client_uuid,
        digest,
        _("An inspection with this client_uuid was already stored with different content."),
        "inspection_id",
    )


def submit_inspection(
    data: dict[str, Any], *, asset: Asset, inspector: Any
) -> tuple[Inspection, bool]:
    """Store an inspection once per client_uuid; return (inspection, created).

    The same client_uuid with the same content answers the stored inspection; with other
    content it raises Conflict.
    """
    client_uuid = str(data["client_uuid"])
    digest = fingerprint(data)
    existing = _replay(client_uuid, digest)
    if existing is not None:
        return existing, False
    checklist = load_checklist()
    answers, failing = check_answers(checklist, asset, data)
    inspection = Inspection(
        asset_id=asset.id,
        inspector_id=getattr(inspector, "id", None),
        client_uuid=client_uuid,
        fingerprint=digest,
        performed_at=data.get("performed_at") or utcnow(),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        checklist_version=checklist.version,
        answers=answers,
        result="fail" if failing or data.get("result") == "fail" else "pass",
        notes=data.get("notes"),
    )
    db.session.add(inspection)
    try:
        db.session.flush()
    except IntegrityError:
        # Two copies of one submission raced; the unique client_uuid let one through.
        db.session.rollback()
        existing = _replay(client_uuid, digest)
        if existing is None:
            raise
        return existing, False
    _add_findings(inspection, checklist, data.get("findings") or [], failing, answers)
    db.session.flush()
    if inspection.result == "pass":
        actions.verify_rechecked(
            inspection, items=compliant_items(checklist, answers), user=inspector
        )
        _announce_pass(inspection, checklist, answers, inspector)
    return inspection, True


def compliant_items(checklist: Checklist, answers: list[dict[str, Any]]) -> set[str]:
    """Return the codes of the items an inspection checked and found compliant (an `na`, a
    missing answer or a free-text one checks nothing)."""
    out = set()
    for answer in answers:
        item = checklist.item(answer["item"])
        value = answer.get("value")
        if item is None or item.type == "text" or value in (None, "na"):
            continue
        if not item.fails(value):
            out.add(item.code)
    return out


def _local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def proposed_due_on(checklist: Checklist, severity: str, performed_on: date) -> date:
    """Propose a corrective action's due date from a finding's severity."""
    return performed_on + timedelta(days=checklist.finding_due_days[severity])


def _add_findings(
    inspection: Inspection,
    checklist: Checklist,
    given: list[dict[str, Any]],
    failing: list[Item],
    answers: list[dict[str, Any]],
) -> None:
    """Store the given findings and one for each failed item that none of them covers."""
    covered = {f.get("item") for f in given}
    notes = {a["item"]: a.get("note") for a in answers}
    locale = _locale()
    with force_locale(locale):
        wording = {i.code: _("Not compliant: %(item)s", item=i.label(locale)) for i in failing}
    proposed = [
        {
            "item": item.code,
            "severity": item.finding_severity,
            "description": wording[item.code]
            + (f" ({notes[item.code]})" if notes.get(item.code) else ""),
            "due_on": None,
        }
        for item in failing
        if item.code not in covered
    ]
    performed_on = _local_date(inspection.performed_at)
    for spec in [*given, *proposed]:
        finding = Finding(
            inspection=inspection,
            asset_id=inspection.asset_id,
            item=spec.get("item"),
            severity=spec["severity"],
            description=spec["description"],
        )
        finding.corrective_action = CorrectiveAction(
            due_on=spec.get("due_on") or proposed_due_on(checklist, spec["severity"], performed_on),
            status="open",
        )
        db.session.add(finding)


def _locale() -> str:
    """Return the request's language, or the configured one outside requests (CLI, demo)."""

    if has_request_context():
        return str(get_locale())
    return str(current_app.config.get("DEFAULT_LOCALE", "zh"))


def _announce_pass(
    inspection: Inspection, checklist: Checklist, answers: list[dict[str, Any]], inspector: Any
) -> None:
    """Tell the compliance package which rule-pack activities the passed inspection covers."""
    activities: list[str] = []
    for answer in answers:
        item = checklist.item(answer["item"])
        if item is None or answer.get("value") in (None, "na"):
            continue
        activities.extend(code for code in item.satisfies if code not in activities)
    announce(
        inspection_passed,
        inspection=inspection,
        activities=activities,
        performed_on=_local_date(inspection.performed_at),
        performed_by=(getattr(inspector, "name", None) or getattr(inspector, "email", None)),
    )


def _scoped(stmt: Select[Any], user: Any) -> Select[Any]:
    stmt = stmt.join(Asset, Asset.id == Inspection.asset_id).join(
        Facility, Facility.id == Asset.facility_id
    )
    return policy.scope(stmt, user, Facility.organization_id)


def get_inspection(user: Any, inspection_id: int) -> Inspection:
    """Return an inspection the user may see, or raise NotFound."""
    stmt = _scoped(select(Inspection), user).where(Inspection.id == inspection_id)
    inspection = db.session.scalar(stmt.options(*_inspection_loads()))
    if inspection is None:
        raise NotFound(_("No such inspection."))
    return inspection


def _inspection_loads() -> list[Any]:
    return [
        selectinload(Inspection.findings).selectinload(Finding.corrective_action),
        selectinload(Inspection.findings).selectinload(Finding.photos),
        selectinload(Inspection.photos),
        selectinload(Inspection.inspector),
    ]


def inspections_query(
    user: Any, *, asset_id: int | None = None, details: bool = True
) -> Select[Any]:
    """Select the inspections the user may see, newest first (with findings, photos and
    inspector loaded unless `details` is False)."""
    stmt = _scoped(select(Inspection), user)
    if details:
        stmt = stmt.options(*_inspection_loads())
    if asset_id is not None:
        stmt = stmt.where(Inspection.asset_id == asset_id)
    return stmt.order_by(Inspection.performed_at.desc(), Inspection.id.desc())


def findings_query(
    user: Any,
    *,
    asset_id: int | None = None,
    status: str | None = None,
    organization_id: int | None = None,
    photos: bool = True,
) -> Select[Any]:
    """Select the findings the user may see, filtered by asset, action status or owner, with
    their corrective action (from the join) and, unless `photos` is False, their photos."""
    stmt = (
        select(Finding)
        .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
        .join(Asset, Asset.id == Finding.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .options(contains_eager(Finding.corrective_action))
    )
    if photos:
        stmt = stmt.options(
            contains_eager(Finding.corrective_action).selectinload(CorrectiveAction.photos),
            selectinload(Finding.photos),
        )
    stmt = policy.scope(stmt, user, Facility.organization_id)
    if asset_id is not None:
        stmt = stmt.where(Finding.asset_id == asset_id)
    if status is not None:
        stmt = stmt.where(CorrectiveAction.status == status)
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    return stmt.order_by(CorrectiveAction.due_on, Finding.id)


def overdue_corrective_actions(
    as_of: date, organization_id: int | None = None
) -> list[CorrectiveAction]:
    """Return the open corrective actions due before `as_of` (for reminders)."""
    stmt = (
        select(CorrectiveAction)
        .join(Finding, Finding.id == CorrectiveAction.finding_id)
        .join(Asset, Asset.id == Finding.asset_id)
        .join(Facility, Facility.id == Asset.facility_id)
        .where(CorrectiveAction.status == "open", CorrectiveAction.due_on < as_of)
        .options(selectinload(CorrectiveAction.finding).selectinload(Finding.asset))
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
    )
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    return list(db.session.scalars(stmt))
