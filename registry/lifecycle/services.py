"""Status and substance changes that start clocks: closures, their details, their aftermath.

`prepare_change` completes and checks a change before it is applied (a closure is dated, a
return to service clears the closure's details, a new substance is dated); `after_change`
records what the closure did (the site assessment, the lines secured) as activities, and a
site assessment that found contamination opens (or joins) a suspected release. The asset's
own changes land in the audit log like any other field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.assets.models import Asset
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import active_pack
from registry.compliance.services import activities_for_asset
from registry.compliance.services import record_activity
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.releases.auto import discovery_moment
from registry.releases.auto import open_or_join

CLOSED = ("temporarily_closed", "permanently_closed")
TEMPORARY_DETAILS = ("emptied", "vent_lines_open", "lines_capped")
PERMANENT_DETAILS = ("closure_method", "site_assessment_result")
ONLY_TEMPORARY = N_("Only for a temporary closure.")
ONLY_PERMANENT = N_("Only for a permanent closure.")


@dataclass(frozen=True)
class Before:
    """What an asset was before a change: what `after_change` compares with."""

    status: str
    closed_on: Any
    lines_secured: bool
    site_assessment_result: str | None

    @classmethod
    def of(cls, asset: Asset) -> Before:
        """Copy the fields a change is judged by."""
        return cls(
            status=asset.status,
            closed_on=asset.closed_on,
            lines_secured=bool(asset.vent_lines_open and asset.lines_capped),
            site_assessment_result=asset.site_assessment_result,
        )


def _refuse_details(data: dict[str, Any], names: tuple[str, ...], message: str) -> None:
    given = [n for n in names if data.get(n) not in (None, False, "")]
    if given:
        raise Invalid(N_("Invalid input."), errors={n: [message] for n in given})


def prepare_change(asset: Asset, data: dict[str, Any]) -> Before:
    """Complete a change before it is applied; refuse closure details that do not fit."""
    before = Before.of(asset)
    status = data.get("status") or asset.status
    if status != "temporarily_closed":
        _refuse_details(data, TEMPORARY_DETAILS, ONLY_TEMPORARY)
    if status != "permanently_closed":
        _refuse_details(data, PERMANENT_DETAILS, ONLY_PERMANENT)
    if status != asset.status:
        _new_status(asset, status, data)
    if "substance" in data and data["substance"] != asset.substance:
        data["substance_changed_on"] = today()
    return before


def _new_status(asset: Asset, status: str, data: dict[str, Any]) -> None:
    """Date a closure (the day it is recorded unless given); clear what no longer holds."""
    if status in CLOSED:
        if not data.get("closed_on"):
            # A move from one closure to the other is a new event, dated anew.
            data["closed_on"] = today()
    else:
        data.setdefault("closed_on", None)
    keep: tuple[str, ...] = TEMPORARY_DETAILS if status == "temporarily_closed" else ()
    keep += PERMANENT_DETAILS if status == "permanently_closed" else ()
    for name in (*TEMPORARY_DETAILS, *PERMANENT_DETAILS):
        if name not in keep:
            data.setdefault(name, None)


def after_change(asset: Asset, before: Before, *, by: Any) -> list[ActivityRecord]:
    """Record what a closure did; a site assessment that found contamination opens a release."""
    pack = active_pack()
    allowed = {a.code for a in activities_for_asset(asset, pack)}
    made = []
    when = asset.closed_on or today()
    secured = bool(asset.vent_lines_open and asset.lines_capped)
    if (
        asset.status == "temporarily_closed"
        and secured
        and not (before.lines_secured and before.status == asset.status)
        and pack.lines_secured_activity in allowed
    ):
        assert pack.lines_secured_activity is not None
        made.append(_record(asset, pack.lines_secured_activity, when, "pass", by))
    result = asset.site_assessment_result
    if (
        asset.status == "permanently_closed"
        and result
        and (result != before.site_assessment_result or before.status != asset.status)
        and pack.site_assessment_activity in allowed
    ):
        assert pack.site_assessment_activity is not None
        outcome = "fail" if result == "release_suspected" else "pass"
        record = _record(asset, pack.site_assessment_activity, when, outcome, by)
        made.append(record)
        if outcome == "fail":
            _open_release(asset, record, by)
    return made


def _record(asset: Asset, activity: str, when: Any, result: str, by: Any) -> ActivityRecord:
    data = {
        "activity": activity,
        "performed_on": min(when, today()),
        "result": result,
        "performed_by": getattr(by, "name", None) or getattr(by, "email", None),
        "notes": "closure",
    }
    return record_activity(data, facility=asset.facility, asset=asset, recorded_by=by)


def _open_release(asset: Asset, record: ActivityRecord, by: Any) -> None:
    """Open (or join) a suspected release at the asset's facility with the assessment."""
    open_or_join(
        asset.facility_id,
        source="site_assessment",
        discovered_at=discovery_moment(record.performed_on),
        description=f"{record.activity}: contamination found at closure",
        asset_id=asset.id,
        evidence={"kind": "activity_record", "record_id": record.id},
        by=by,
    )
