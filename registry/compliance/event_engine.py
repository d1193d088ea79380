"""Event obligations in the engine's statement: one UNION branch per obligation, no query a row.

A branch selects the assets whose event happened (their status, substance or installation),
dated by the column the event leaves (`closed_on`, `substance_changed_on`, `installed_on`), that
have no record of a satisfying activity since a year before the event, and whose due date (the
event's date plus the offset) falls on or before the limit. As for the periodic obligations,
that test needs no date arithmetic in SQL: the offset's arithmetic is monotonic, so "event +
offset <= limit" is "event <= the latest event that ends by limit", computed in Python. The
rows have the layout of the calendar branches, the event's date in the `base` column.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.compliance.models import ActivityRecord
from registry.compliance.obligations import EventObligation
from registry.extensions import db
from registry.sites.models import Facility

ASSET = Asset.__table__
TANK = Tank.__table__
PIPE = Pipeline.__table__
FACILITY = Facility.__table__
RECORD = ActivityRecord.__table__
# A satisfying record counts for an event from this many days before it: a notice given for
# a closure planned long ago (and called off) does not cover the next one.
LOOKBACK_DAYS = 365


def shifted(column: Any, days: int) -> Any:
    """The date `days` after a date column (negative: before), in the database's dialect."""
    if db.engine.dialect.name == "postgresql":
        return sa.type_coerce(column + days, sa.Date)
    # SQLite keeps dates as ISO text: date() answers the same text form.
    return sa.func.date(column, f"{days:+d} days", type_=sa.Date)


def event_on(o: EventObligation) -> tuple[Any, list[Any]]:
    """The column dating the obligation's event, and the conditions for it to have happened."""
    if o.event == "status":
        return ASSET.c.closed_on, [ASSET.c.status == o.value, ASSET.c.closed_on.is_not(None)]
    if o.event == "substance":
        when = ASSET.c.substance_changed_on
        return when, [ASSET.c.substance == o.value, when.is_not(None)]
    # Installed: a system the registry learns of within the offset of its installation (or
    # before); one registered later was notified, or not, before the registry knew it.
    installed = ASSET.c.installed_on
    return installed, [
        installed.is_not(None),
        installed >= shifted(ASSET.c.registered_on, -max(o.due.days, 0)),
    ]


def no_record_between(
    activities: tuple[str, ...], asset_id: Any, facility_id: Any, start: Any, end: Any
) -> Any:
    """No record of one of `activities` (any result) performed from `start` to `end`: neither
    the asset's own nor its facility's (a notice may cover every tank of a site)."""

    def none_of(key: Any) -> Any:
        return sa.not_(
            sa.exists(
                sa.select(sa.literal(1)).where(
                    key,
                    RECORD.c.activity.in_(activities),
                    RECORD.c.performed_on <= end,
                    RECORD.c.performed_on >= start,
                )
            )
        )

    own = none_of(RECORD.c.asset_id == asset_id)
    site = none_of(sa.and_(RECORD.c.asset_id.is_(None), RECORD.c.facility_id == facility_id))
    return sa.and_(own, site)


def _unmet(o: EventObligation, happened: Any, as_of: date) -> Any:
    """No record of a satisfying activity (any result) from the lookback to as_of."""
    start = shifted(happened, -LOOKBACK_DAYS)
    return no_record_between(o.satisfied_by, ASSET.c.id, FACILITY.c.id, start, as_of)


def event_branch(
    o: EventObligation,
    first: int,
    as_of: date,
    limit: date,
    applies: list[Any],
    scoped: list[Any],
) -> Any:
    """The rows of one event obligation due on or before `limit` and not yet met."""
    happened, conditions = event_on(o)
    frm = FACILITY.join(ASSET, ASSET.c.facility_id == FACILITY.c.id)
    names = {n for c in o.when + o.unless for s, n, _ in c.tests if s == "asset"}
    if names & (set(TANK.c.keys()) - {"id"}):
        frm = frm.outerjoin(TANK, TANK.c.id == ASSET.c.id)
    if names & (set(PIPE.c.keys()) - {"id"}):
        frm = frm.outerjoin(PIPE, PIPE.c.id == ASSET.c.id)
    no_date = sa.cast(sa.null(), sa.Date)
    return (
        sa.select(
            sa.literal(first).label("lane"),
            ASSET.c.id.label("aid"),
            ASSET.c.tag.label("tag"),
            ASSET.c.operator_ref.label("ref"),
            ASSET.c.kind.label("kind"),
            sa.type_coerce(happened, sa.Date).label("base"),
            no_date.label("created"),
            FACILITY.c.id.label("fid"),
            FACILITY.c.name.label("fname"),
            FACILITY.c.subdistrict.label("sub"),
            FACILITY.c.organization_id.label("org"),
            no_date.label("last"),
            no_date.label("reg"),
        )
        .select_from(frm)
        .where(
            FACILITY.c.status == "active",
            ASSET.c.kind.in_(o.asset_kinds),
            *conditions,
            happened <= o.due.latest_start(limit),
            *applies,
            *scoped,
            _unmet(o, happened, as_of),
        )
    )
