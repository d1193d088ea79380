"""Onboarding an existing tank: the last dates of what was done to it, declared at registration.

A tank installed years ago and registered today would otherwise be "overdue by thousands of
days" on every periodic obligation (the engine shows those as `no_record` for ONBOARDING_DAYS,
see registry.compliance.due). The operator gives the last date of each activity; they are
stored as passed activity records, so the engine counts from them, and the audit log holds who
declared them and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from registry.assets.models import Asset
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import Activity
from registry.compliance.rules import Obligation
from registry.compliance.rules import RulePack
from registry.compliance.rules import active_pack
from registry.compliance.services import activities_for_asset
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.extensions import db

MESSAGES = (_l("Unknown activity."), _l("The date is before the installation date."))


@dataclass(frozen=True)
class LastDoneField:
    """One optional date of the registration form: an activity and the obligations it meets."""

    activity: Activity
    obligations: tuple[Obligation, ...]

    def hint(self, locale: str) -> str:
        """The titles of the obligations this activity meets."""
        return " · ".join(o.title(locale) for o in self.obligations)


def last_done_fields(kind: str, pack: RulePack | None = None) -> list[LastDoneField]:
    """The activities that meet a periodic obligation of assets of this kind, in pack order."""
    pack = pack or active_pack()
    meets: dict[str, list[Obligation]] = {}
    for o in pack.obligations:
        periodic = o.interval is not None or bool(o.interval_overrides)
        if o.scope == "asset" and kind in o.asset_kinds and periodic:
            for code in o.satisfied_by:
                meets.setdefault(code, []).append(o)
    return [LastDoneField(pack.activities[c], tuple(obs)) for c, obs in meets.items()]


def record_last_done(
    asset: Asset, last_done: Mapping[str, date], *, recorded_by: Any = None
) -> list[ActivityRecord]:
    """Record each `activity → last date` of a new asset as passed (operator-declared).

    Every problem is reported at once, per activity code: an unknown activity, one that does
    not apply to this asset, a date in the future or before the installation.
    """
    if not last_done:
        return []
    pack = active_pack()
    allowed = {a.code for a in activities_for_asset(asset, pack)}
    errors: dict[str, list[str]] = {}
    for code, day in last_done.items():
        if code not in pack.activities:
            errors[code] = [N_("Unknown activity.")]
        elif code not in allowed:
            errors[code] = [N_("This activity does not apply to this asset.")]
        elif day > today():
            errors[code] = [N_("Must not be in the future.")]
        elif asset.installed_on and day < asset.installed_on:
            errors[code] = [N_("The date is before the installation date.")]
    if errors:
        raise Invalid(N_("Invalid input."), errors={"last_done": errors})
    records = [
        ActivityRecord(
            asset_id=asset.id,
            facility_id=asset.facility_id,
            activity=code,
            performed_on=day,
            result="pass",
            recorded_by_id=getattr(recorded_by, "id", None),
        )
        for code, day in sorted(last_done.items())
    ]
    # Audited like every record (registry.models): who declared them, when, which dates.
    db.session.add_all(records)
    db.session.flush()
    return records
