"""Record activities, list due items, and take in other domains' events and reminder sources."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from registry.assets.models import Asset
from registry.auth import policy
from registry.compliance import engine
from registry.compliance.due import DueItem
from registry.compliance.due import sort_key
from registry.compliance.engine import Scope
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import Activity
from registry.compliance.rules import RulePack
from registry.compliance.rules import active_pack
from registry.compliance.uploads import store_attachment
from registry.core import signals
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.errors import NotFound
from registry.core.signals import announce
from registry.extensions import db
from registry.receptors.services import near_kinds
from registry.sites.models import Facility
from registry.sites.services import apply_changes
from registry.sites.services import check_version
from registry.sites.services import flush_versioned

NOT_FOR_ASSET = "This activity does not apply to this asset."
NOT_FOR_FACILITY = "This activity does not apply to this facility."
# Messages raised here in English and translated where they are shown (translate_errors).
MESSAGES = (
    _l("Unknown activity."),
    _l("This activity does not apply to this asset."),
    _l("This activity does not apply to this facility."),
    _l("The date is before the installation date."),
    _l("Attach a PDF or an image (JPEG, PNG)."),
    _l("The file is too large."),
    _l("The file is empty."),
    _l("The image is too large."),
)
ReminderSource = Callable[..., Iterable[DueItem]]
_SOURCES: list[ReminderSource] = []
ALL_HORIZON_DAYS = 365 * 200


def register_reminder_source(source: ReminderSource) -> None:
    """Add reminders from another domain: source(as_of=, organization_id=, window_days=)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def asset_facts(asset: Asset) -> dict[str, Any]:
    """The attributes that rule-pack conditions test, of one asset."""
    names = (
        "kind wall material corrosion_protection anti_seepage leak_detection substance "
        "piping_type line_leak_detector spill_containment overfill_prevention"
    ).split()
    return {n: getattr(asset, n, None) for n in names}


def facility_facts(facility: Facility) -> dict[str, Any]:
    """The attributes that rule-pack conditions test, of one facility."""
    return {
        "kind": facility.kind,
        "key_supervised": facility.key_supervised,
        "near_receptor": near_kinds(facility.id) if facility.id is not None else [],
    }


def activities_for_asset(asset: Asset, pack: RulePack | None = None) -> list[Activity]:
    """Return the activities that satisfy an obligation applying to this asset."""
    pack = pack or active_pack()
    facts, fac = asset_facts(asset), facility_facts(asset.facility)
    codes: dict[str, None] = {}
    # Event obligations whatever the asset's state: a notice comes before its event.
    for o in (*pack.obligations, *pack.event_obligations):
        if o.scope == "asset" and o.applies(facts, fac):
            codes.update(dict.fromkeys(o.satisfied_by))
    return [pack.activities[c] for c in codes]


def activities_for_facility(facility: Facility, pack: RulePack | None = None) -> list[Activity]:
    """Return the activities that satisfy a facility-wide obligation of this facility."""
    pack = pack or active_pack()
    assets = db.session.scalars(
        select(Asset).where(Asset.facility_id == facility.id, Asset.status != "permanently_closed")
    ).all()
    fac = facility_facts(facility)
    codes: dict[str, None] = {}
    for o in pack.obligations:
        if o.scope != "facility":
            continue
        kinds = [a for a in assets if a.kind in o.asset_kinds]
        facts = [asset_facts(a) for a in kinds]
        if not facts:
            continue
        if o.applies_to_facility(facts, fac):
            codes.update(dict.fromkeys(o.satisfied_by))
    return [pack.activities[c] for c in codes]


def record_activity(
    data: dict[str, Any],
    *,
    facility: Facility,
    asset: Asset | None = None,
    recorded_by: Any = None,
    attachment: FileStorage | None = None,
    pack: RulePack | None = None,
) -> ActivityRecord:
    """Record what was done to an asset (or a whole facility) and when."""
    _check_record(data, facility=facility, asset=asset, pack=pack or active_pack())
    record = ActivityRecord(
        asset_id=asset.id if asset else None,
        facility_id=facility.id,
        activity=data["activity"],
        performed_on=data["performed_on"],
        result=data.get("result") or "pass",
        performed_by=data.get("performed_by"),
        notes=data.get("notes"),
        readings=data.get("readings") or None,
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    if attachment is not None and attachment.filename:
        stored = store_attachment(attachment)
        record.attachment_path, record.attachment_type, record.attachment_name = stored
    db.session.add(record)
    db.session.flush()
    announce(signals.record_filed, record=record, recorded_by=recorded_by)
    return record


def get_record(user: Any, record_id: int) -> ActivityRecord:
    """Return a record the user may see (operators: their organization's), or raise NotFound."""
    stmt = (
        select(ActivityRecord)
        .join(Facility, Facility.id == ActivityRecord.facility_id)
        .where(ActivityRecord.id == record_id)
    )
    return policy.visible_one(stmt, user, Facility.organization_id, N_("No such record."))


def update_record(record: ActivityRecord, data: dict[str, Any], *, version: int | None) -> None:
    """Correct a record's activity, date, result, performer or notes (stale version: 409)."""
    check_version(record, version)
    facility = db.session.get(Facility, record.facility_id)
    asset = db.session.get(Asset, record.asset_id) if record.asset_id else None
    if facility is None:  # a facility with records cannot be deleted; kept for the types
        raise NotFound(N_("No such record."))
    _check_record(data, facility=facility, asset=asset, pack=active_pack())
    changes = {k: data.get(k) for k in ("activity", "performed_on", "performed_by", "notes")}
    apply_changes(record, changes | {"result": data.get("result") or "pass"})
    flush_versioned(record)


def _check_record(
    data: dict[str, Any], *, facility: Facility, asset: Asset | None, pack: RulePack
) -> None:
    """Refuse an activity that does not apply here, or a date in the future or before install."""
    code = data["activity"]
    if code not in pack.activities:
        raise Invalid("activity", errors={"activity": ["Unknown activity."]})
    allowed = (
        activities_for_asset(asset, pack) if asset else activities_for_facility(facility, pack)
    )
    if code not in {a.code for a in allowed}:
        message = NOT_FOR_ASSET if asset else NOT_FOR_FACILITY
        raise Invalid("activity", errors={"activity": [message]})
    performed_on: date = data["performed_on"]
    if performed_on > today():
        raise Invalid("date", errors={"performed_on": ["Must not be in the future."]})
    if asset is not None and asset.installed_on and performed_on < asset.installed_on:
        raise Invalid(
            "date", errors={"performed_on": ["The date is before the installation date."]}
        )


def records_query(*, asset_id: int | None = None, facility_id: int | None = None) -> Any:
    """Select the records of an asset, or the facility-wide records of a facility, newest first."""
    stmt = select(ActivityRecord)
    if asset_id is not None:
        stmt = stmt.where(ActivityRecord.asset_id == asset_id)
    if facility_id is not None:
        stmt = stmt.where(
            ActivityRecord.facility_id == facility_id, ActivityRecord.asset_id.is_(None)
        )
    return stmt.order_by(ActivityRecord.performed_on.desc(), ActivityRecord.id.desc())


def recent_records(**where: Any) -> list[ActivityRecord]:
    """Return the latest 20 records of an asset or a facility."""
    return list(db.session.scalars(records_query(**where).limit(20)))


def window_days() -> int:
    return int(current_app.config["REMINDER_WINDOW_DAYS"])


def reminder_items(*, as_of: date, organization_id: int | None) -> list[DueItem]:
    """The reminders of the other domains (corrective actions, releases, alerts, violations,
    people, …), not the rule pack's obligations: what `due_items` adds to the engine's items."""
    window = window_days()
    return [
        item
        for source in _SOURCES
        for item in source(as_of=as_of, organization_id=organization_id, window_days=window)
    ]


def due_items(
    user: Any = None,
    *,
    as_of: date | None = None,
    organization_id: int | None = None,
    facility_id: int | None = None,
    include_ok: bool = False,
    horizon_days: int | None = None,
) -> list[DueItem]:
    """Return due-soon and overdue items (all items with include_ok) the user may see."""
    as_of = as_of or today()
    if user is not None and policy.is_operator(user):
        if organization_id not in (None, user.organization_id):
            return []
        organization_id = user.organization_id
    window = window_days()
    scope = Scope(organization_id=organization_id, facility_id=facility_id)
    items = engine.compute(
        active_pack(), as_of=as_of, window_days=window, horizon_days=horizon_days, scope=scope
    )
    extra = [
        item
        for item in reminder_items(as_of=as_of, organization_id=organization_id)
        if facility_id is None or item.facility_id == facility_id
    ]
    if not include_ok:
        if horizon_days is not None and horizon_days > window:
            # Within the window the engine returns no "ok" item; beyond it, it may.
            items = [i for i in items if i.state != "ok"]
        extra = [i for i in extra if i.state != "ok"]
    if extra:  # the engine's items come sorted already
        items += extra
        items.sort(key=sort_key)
    return items


def due_items_for_asset(asset_id: int, as_of: date | None = None) -> list[DueItem]:
    """Return every obligation of one asset with its next due date and state (ok included)."""
    return engine.compute(
        active_pack(),
        as_of=as_of or today(),
        window_days=window_days(),
        horizon_days=ALL_HORIZON_DAYS,
        scope=Scope(asset_id=asset_id),
    )


def due_items_for_facility(facility_id: int, as_of: date | None = None) -> list[DueItem]:
    """Return the facility-wide obligations of a facility with their states (ok included)."""
    pack = active_pack()
    codes = tuple(o.code for o in pack.obligations if o.scope == "facility")
    return engine.compute(
        pack,
        as_of=as_of or today(),
        window_days=window_days(),
        horizon_days=ALL_HORIZON_DAYS,
        scope=Scope(facility_id=facility_id, obligations=codes),
    )
