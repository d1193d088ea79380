"""The worst compliance state of each asset and facility, from one run of the due-date engine.

The facility and asset lists show it in a column and filter by it. The engine computes the
states of every asset and facility in scope in one statement; a list filtered by state then
selects the ids in (or, for `ok`, not in) the state's set in SQL, before the page is cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy import false
from sqlalchemy import true

from registry.auth import policy
from registry.compliance import engine
from registry.compliance.engine import Bbox
from registry.compliance.engine import Scope
from registry.compliance.rules import active_pack
from registry.compliance.services import window_days
from registry.core import choices
from registry.core.dates import today

# Worst first. A newly registered row whose last date is not yet given waits behind what is
# due soon: it is in its onboarding grace, not late.
STATES = ("overdue", "due_soon", "no_record", "ok")
RANK = {state: len(STATES) - i for i, state in enumerate(STATES)}
STATE_LABELS = {
    "overdue": _l("Overdue"),
    "due_soon": _l("Due soon"),
    "no_record": _l("Last date not recorded"),
    "ok": _l("Up to date"),
}
choices.ALL["compliance_state"] = STATE_LABELS


@dataclass
class WorstStates:
    """The worst state of each asset and facility that is not `ok` (absent means `ok`)."""

    assets: dict[int, str] = field(default_factory=dict)
    facilities: dict[int, str] = field(default_factory=dict)

    def of_asset(self, asset_id: int) -> str:
        return self.assets.get(asset_id, "ok")

    def of_facility(self, facility_id: int) -> str:
        return self.facilities.get(facility_id, "ok")

    def add(self, into: dict[int, str], key: int, state: str) -> None:
        if RANK[state] > RANK[into.get(key, "ok")]:
            into[key] = state


def worst_states(
    *,
    as_of: date,
    organization_id: int | None = None,
    bbox: Bbox | None = None,
    asset_ids: list[int] | None = None,
    facility_ids: list[int] | None = None,
) -> WorstStates:
    """Compute the worst state of every asset and facility (of one organization, or all; of
    the facilities in a box `(min_lon, min_lat, max_lon, max_lat)` if given).

    A facility's state is the worst of its assets' and of its facility-wide obligations.
    """
    items = engine.compute(
        active_pack(),
        as_of=as_of,
        window_days=window_days(),
        scope=Scope(
            organization_id=organization_id,
            bbox=bbox,
            asset_ids=None if asset_ids is None else tuple(asset_ids),
            facility_ids=None if facility_ids is None else tuple(facility_ids),
        ),
    )
    out = WorstStates()
    for item in items:
        if item.state not in RANK or item.state == "ok":
            continue
        if item.asset_id is not None:
            out.add(out.assets, item.asset_id, item.state)
        out.add(out.facilities, item.facility_id, item.state)
    return out


def state_arg(args: Any) -> str | None:
    """Read `compliance` from query arguments; an unknown value means no filter."""
    value = args.get("compliance")
    return value if value in STATES else None


def in_state(id_column: Any, states: dict[int, str], wanted: str) -> Any:
    """A condition on the id column: the rows whose worst state is `wanted`."""
    if wanted == "ok":
        others = sorted(states)
        if not others:
            return true()
        return id_column.not_in(_ids(others))
    ids = sorted(k for k, state in states.items() if state == wanted)
    if not ids:
        return false()
    return id_column.in_(_ids(ids))


def _ids(ids: list[int]) -> Any:
    # Rendered into the statement as numbers, not one bound parameter each: a district's
    # overdue assets may be more than SQLite's limit of bound parameters.
    return bindparam("state_ids", ids, expanding=True, literal_execute=True)


def list_states(
    user: Any,
    organization_id: int | None,
    args: Any,
    *,
    asset_ids: list[int] | None = None,
    facility_ids: list[int] | None = None,
) -> WorstStates:
    """The states a list page shows: as of `as_of` (default today), in the user's scope; of the
    page's assets or facilities only when given (filtering by state needs them all)."""
    try:
        as_of = date.fromisoformat(args.get("as_of") or "")
    except ValueError:
        as_of = today()
    if policy.is_operator(user):
        organization_id = user.organization_id
    return worst_states(
        as_of=as_of,
        organization_id=organization_id,
        asset_ids=asset_ids,
        facility_ids=facility_ids,
    )
