"""The field pack: what a phone carries to open tags and inspection forms without a network.

A pack is read in pages of assets in id order (`after` the last id of the previous page). Each
asset comes as one compact record: the public card (kind, facility, status, certificate, red
tag), the summary (construction, last inspection, open findings, every obligation with its
next due date and state) and the key of its checklist; the checklists' questions come once per
set of items, rendered as the form renders them. A page costs a fixed number of statements.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from registry.assets.models import ANY_ASSET
from registry.assets.models import Asset
from registry.auth import policy
from registry.certificates import signing
from registry.certificates.models import Certificate
from registry.compliance.engine import Scope
from registry.compliance.engine import compute
from registry.compliance.rules import active_pack
from registry.compliance.services import ALL_HORIZON_DAYS
from registry.compliance.services import window_days
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.types import utcnow
from registry.enforcement.models import RedTag
from registry.extensions import db
from registry.field import changes
from registry.inspections.checklists import load_checklist
from registry.inspections.form import blank_items
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.releases.models import Release
from registry.sites.models import Facility
from registry.visits.planning import assignments

MAX_PAGE = 1000
MODES = ("all", "plan")


@dataclass(frozen=True)
class PackRequest:
    """One page asked for: what to carry (`mode`), changes since a cursor, ids after `after`."""

    mode: str = "all"
    since: str | None = None
    after: int = 0
    limit: int = 500


def plan_facility_ids(user: Any, on: date | None = None) -> list[int]:
    """Return the facilities the user was drawn to inspect in a plan drawn on that day."""
    day = on or today()
    return sorted({a["facility_id"] for a in assignments(user.id) if a["drawn_on"] == day})


def _scoped(user: Any, mode: str) -> Select[Any]:
    """Select the ids of the assets the user carries in this mode."""
    stmt = select(Asset.id).join(Facility, Facility.id == Asset.facility_id)
    stmt = policy.scope(stmt, user, Facility.organization_id)
    if mode == "plan":
        stmt = stmt.where(Asset.facility_id.in_(plan_facility_ids(user)))
    return stmt


def _check(req: PackRequest) -> datetime | None:
    if req.mode not in MODES:
        message = N_("Unknown mode.")
        raise Invalid(message, errors={"mode": [message]})
    return changes.parse_cursor(req.since)


def build_page(user: Any, req: PackRequest) -> dict[str, Any]:
    """Return one page of the user's pack: records, facilities, checklists, removed ids."""
    since = _check(req)
    cursor = changes.new_cursor()
    wanted = _scoped(user, req.mode)
    if since is not None:
        wanted = wanted.where(Asset.id.in_(changes.changed_asset_ids(since)))
    total = db.session.scalar(select(func.count()).select_from(wanted.subquery()))
    ids = list(
        db.session.scalars(
            wanted.where(Asset.id > req.after).order_by(Asset.id).limit(min(req.limit, MAX_PAGE))
        )
    )
    assets = _load_assets(ids)
    records = _records(user, assets)
    last = ids[-1] if ids else None
    done = last is None or not db.session.scalar(select(wanted.where(Asset.id > last).exists()))
    removed: list[int] = []
    if since is not None and req.after == 0 and policy.is_operator(user) and req.mode == "all":
        # Staff see every asset: nothing leaves their scope. A plan is prepared whole.
        removed = changes.moved_away(user.organization_id, since)
    return {
        "cursor": cursor,
        "prepared_at": utcnow(),
        "mode": req.mode,
        "full": since is None,
        "total": total,
        "next": None if done else last,
        "assets": records,
        "facilities": _facilities(assets),
        "checklists": _checklists(user, assets, records),
        "removed": removed,
    }


def _load_assets(ids: list[int]) -> list[Asset]:
    if not ids:
        return []
    stmt = (
        select(ANY_ASSET)
        .join(Facility, Facility.id == ANY_ASSET.facility_id)
        .options(contains_eager(ANY_ASSET.facility))
        .where(ANY_ASSET.id.in_(ids))
        .order_by(ANY_ASSET.id)
    )
    return list(db.session.scalars(stmt))


def _iso(day: date | datetime | None) -> str | None:
    return day.isoformat() if day is not None else None


def _records(user: Any, assets: list[Asset]) -> list[dict[str, Any]]:
    if not assets:
        return []
    ids = [a.id for a in assets]
    certs = _certificates(ids)
    reds = _red_tags(ids)
    lasts = _last_inspections(ids)
    findings = _open_findings(ids)
    due = _due(user, ids[0], ids[-1])
    checklist_keys = _checklist_keys(assets) if policy.role_may(user, "inspect") else {}
    return [_record(a, certs, reds, lasts, findings, due, checklist_keys.get(a.id)) for a in assets]


def _record(
    a: Any,
    certs: dict[int, Certificate],
    reds: dict[int, str],
    lasts: dict[int, tuple[datetime, str]],
    findings: dict[int, list[list[Any]]],
    due: dict[int, list[list[Any]]],
    checklist: str | None,
) -> dict[str, Any]:
    cert = certs.get(a.id)
    last = lasts.get(a.id)
    record: dict[str, Any] = {
        "id": a.id,
        "tag": a.tag,
        "kind": a.kind,
        "ref": a.operator_ref,
        "facility": a.facility_id,
        "org": a.facility.organization_id,
        "status": a.status,
        "substance": a.substance,
        "substance_detail": a.substance_detail,
        "wall": a.wall,
        "material": a.material,
        "corrosion": a.corrosion_protection,
        "seepage": a.anti_seepage,
        "leak": list(a.leak_detection or []),
        "size": a.capacity_litres if a.kind == "tank" else a.length_m,
        "cert": [cert.number, _iso(cert.valid_until)] if cert else None,
        "red": reds.get(a.id),
        "last": [_iso(last[0]), last[1]] if last else None,
        "due": due.get(a.id, []),
        "findings": findings.get(a.id, []),
        "checklist": checklist,
    }
    return record


def _certificates(ids: list[int]) -> dict[int, Certificate]:
    """The certificate in force of each asset (as the card's `current_certificate`)."""
    stmt = (
        select(Certificate)
        .where(
            Certificate.asset_id.in_(ids),
            Certificate.status == "valid",
            Certificate.valid_until >= today(),
        )
        .order_by(Certificate.valid_until, Certificate.id)
    )
    out: dict[int, Certificate] = {}
    for cert in db.session.scalars(stmt):
        if signing.is_authentic(cert):
            out[cert.asset_id] = cert  # the last in order wins: the latest valid_until
    return out


def _red_tags(ids: list[int]) -> dict[int, str]:
    stmt = (
        select(RedTag.asset_id, RedTag.reason)
        .where(RedTag.asset_id.in_(ids), RedTag.lifted_at.is_(None))
        .order_by(RedTag.placed_at)
    )
    return {asset_id: reason for asset_id, reason in db.session.execute(stmt)}


def _last_inspections(ids: list[int]) -> dict[int, tuple[datetime, str]]:
    ranked = (
        select(
            Inspection.asset_id,
            Inspection.performed_at,
            Inspection.result,
            func.row_number()
            .over(
                partition_by=Inspection.asset_id,
                order_by=(Inspection.performed_at.desc(), Inspection.id.desc()),
            )
            .label("n"),
        )
        .where(Inspection.asset_id.in_(ids))
        .subquery()
    )
    stmt = select(ranked.c.asset_id, ranked.c.performed_at, ranked.c.result).where(ranked.c.n == 1)
    return {asset_id: (at, result) for asset_id, at, result in db.session.execute(stmt)}


def _open_findings(ids: list[int]) -> dict[int, list[list[Any]]]:
    stmt = (
        select(Finding.asset_id, Finding.severity, Finding.description, CorrectiveAction.due_on)
        .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
        .where(Finding.asset_id.in_(ids), CorrectiveAction.status == "open")
        .order_by(CorrectiveAction.due_on, Finding.id)
    )
    out: dict[int, list[list[Any]]] = {}
    for asset_id, severity, description, due_on in db.session.execute(stmt):
        out.setdefault(asset_id, []).append([severity, description, _iso(due_on)])
    return out


def _due(user: Any, first: int, last: int) -> dict[int, list[list[Any]]]:
    """Every asset obligation of the assets with ids first..last: [code, due_on, state]."""
    organization = user.organization_id if policy.is_operator(user) else None
    items = compute(
        active_pack(),
        as_of=today(),
        window_days=window_days(),
        horizon_days=ALL_HORIZON_DAYS,
        scope=Scope(organization_id=organization, asset_range=(first, last)),
    )
    out: dict[int, list[list[Any]]] = {}
    for item in items:
        if item.asset_id is not None:
            out.setdefault(item.asset_id, []).append(
                [item.obligation, _iso(item.due_on), item.state]
            )
    return out


def _checklist_key(codes: tuple[str, ...], version: str) -> str:
    return hashlib.sha256(f"{version}|{','.join(codes)}".encode()).hexdigest()[:12]


def _checklist_keys(assets: list[Asset]) -> dict[int, str]:
    checklist = load_checklist()
    return {
        a.id: _checklist_key(tuple(i.code for i in checklist.for_asset(a)), str(checklist.version))
        for a in assets
    }


def _checklists(user: Any, assets: list[Asset], records: list[dict[str, Any]]) -> dict[str, str]:
    """The questions of each set of checklist items on the page, rendered as the form does."""
    if not policy.role_may(user, "inspect"):
        return {}
    checklist = load_checklist()
    out: dict[str, str] = {}
    for asset, record in zip(assets, records, strict=True):
        key = record["checklist"]
        if key not in out:
            out[key] = str(blank_items(checklist, checklist.for_asset(asset)))
    return out


def _facilities(assets: list[Asset]) -> dict[str, dict[str, Any]]:
    ids = sorted({a.facility_id for a in assets})
    if not ids:
        return {}
    releases = dict(
        db.session.execute(
            select(Release.facility_id, Release.number)
            .where(Release.facility_id.in_(ids), Release.state == "confirmed")
            .order_by(Release.confirmed_at.desc())
        ).all()
    )
    out: dict[str, dict[str, Any]] = {}
    for a in assets:
        f = a.facility
        out[str(f.id)] = {"name": f.name, "release": releases.get(f.id)}
    return out
