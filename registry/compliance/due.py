"""Due items: what the engine answers, and how its result rows become sorted items.

At national scale the engine's statement returns hundreds of thousands of rows, so they come as
the driver's plain tuples (SQLAlchemy's Row objects and result processors would cost more than
the due-date work) and whatever depends on a date alone (parsing it, the due date, the state,
the date part of the sort key) is computed once per obligation, interval and value: there are a
few hundred distinct last-done days, not one a row.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from registry.compliance.intervals import Interval
from registry.compliance.rules import Condition
from registry.compliance.rules import Obligation

# Most items have no extras: one shared read-only mapping spares a dict an item.
NO_EXTRA: Mapping[str, Any] = MappingProxyType({})


@dataclass(slots=True)
class DueItem:
    """One obligation of one asset (or facility) with its next due date and state."""

    obligation: str
    title_zh: str
    title_en: str
    asset_id: int | None
    asset_tag: str | None
    asset_ref: str | None
    asset_kind: str | None
    facility_id: int
    facility_name: str
    subdistrict: str | None
    organization_id: int
    due_on: date
    last_done_on: date | None
    state: str  # ok | due_soon | overdue | no_record
    days_overdue: int
    activities: tuple[str, ...] = ()
    source: str = "obligation"
    extra: Mapping[str, Any] = field(default_factory=lambda: NO_EXTRA)

    def title(self, locale: str) -> str:
        return self.title_zh if locale == "zh" else self.title_en


# A facility as a reminder names it: id, name, subdistrict, organization id.
Place = tuple[int, str, str | None, int]
# An asset as a reminder names it: id, tag, the operator's reference, kind.
AssetRef = tuple[int | None, str | None, str | None, str | None]
NO_ASSET: AssetRef = (None, None, None, None)


def asset_ref(asset: Any) -> AssetRef:
    """The id, tag, reference and kind of an asset row (None: no asset)."""
    if asset is None:
        return NO_ASSET
    return asset.id, asset.tag, asset.operator_ref, asset.kind


def reminder(
    obligation: str,
    titles: tuple[str, str],
    place: Place,
    due: tuple[date, str, int],
    source: str,
    extra: Mapping[str, Any],
    *,
    asset: AssetRef = NO_ASSET,
    last_done_on: date | None = None,
) -> DueItem:
    """An item of a reminder source beside the pack's obligations: `titles` (zh, en), `due`
    (due on, state, days overdue), the facility `place` and the `asset` when there is one."""
    due_on, state, days = due
    asset_id, tag, ref, kind = asset
    facility_id, name, subdistrict, organization_id = place
    return DueItem(
        obligation,
        titles[0],
        titles[1],
        asset_id,
        tag,
        ref,
        kind,
        facility_id,
        name,
        subdistrict,
        organization_id,
        due_on,
        last_done_on,
        state,
        days,
        source=source,
        extra=extra,
    )


def state_of(due_on: date, as_of: date, window_days: int) -> tuple[str, int]:
    """Return (state, days overdue): overdue after the due day, due_soon within the window."""
    if due_on < as_of:
        return "overdue", (as_of - due_on).days
    if due_on <= as_of + timedelta(days=window_days):
        return "due_soon", 0
    return "ok", 0


def sort_key(item: DueItem) -> tuple[Any, ...]:
    """Most overdue first, then by facility and asset."""
    return (item.due_on, item.facility_id, item.asset_id or 0, item.obligation)


def variants(o: Obligation) -> list[tuple[Condition | None, Interval | None]]:
    """The intervals of an obligation: its overrides in order, then the default."""
    return [(c, i) for c, i in o.interval_overrides] + [(None, o.interval)]


def lanes(chosen: list[Obligation]) -> list[tuple[Obligation, Interval | None]]:
    """Each obligation under each of its intervals, in order: what a row's lane indexes."""
    return [(o, interval) for o in chosen for _, interval in variants(o)]


def first_after(o: Obligation, interval: Interval | None) -> Interval:
    return o.first_due.after or interval or Interval(days=0)


# `sort_key` packed into one integer (ints compare several times faster than tuples of a date,
# ints and a string): due day, facility id, asset id (ids are below 2**64 in SQLite and
# PostgreSQL alike), then the obligation's rank among the codes.
ID_BITS = 64

# What a due date comes with: last done on, due on, state, days overdue, sort bits of the day.
Due = tuple[date | None, date, str, int, int]


class _Days:
    """The day-dependent work shared by every lane: states and sort bits by due date."""

    def __init__(self, as_of: date, window_days: int, dialect: Any, rank_bits: int) -> None:
        self.as_of, self.window = as_of, window_days
        self.shift = 2 * ID_BITS + rank_bits
        # The driver's raw values (text on SQLite) become dates the way SQLAlchemy reads them.
        self.to_date = _reader(sa.Date(), dialect)
        self.states: dict[date, tuple[str, int, int]] = {}

    def due(self, last_on: date | None, due_on: date) -> Due:
        found = self.states.get(due_on)
        if found is None:
            state, days = state_of(due_on, self.as_of, self.window)
            found = self.states[due_on] = (state, days, due_on.toordinal() << self.shift)
        return last_on, due_on, *found


def _reader(type_: Any, dialect: Any) -> Callable[[Any], Any]:
    """How SQLAlchemy turns the driver's value of this type into a Python one."""
    return type_.dialect_impl(dialect).result_processor(dialect, None) or _same


def _same(value: Any) -> Any:
    return value


class _Lane:
    """One obligation under one of its intervals, with its due dates cached by raw value."""

    __slots__ = (
        "code", "title_zh", "title_en", "activities", "rank", "recurs",
        "after_last", "after_base", "after_created", "_o", "_interval", "_days",
    )  # fmt: skip

    def __init__(self, o: Obligation, interval: Interval | None, rank: int, days: _Days) -> None:
        self.code, self.title_zh, self.title_en = o.code, o.title_zh, o.title_en
        self.activities, self.rank, self.recurs = o.satisfied_by, rank, interval is not None
        self._o, self._interval, self._days = o, interval, days
        self.after_last: dict[Any, Due] = {}
        self.after_base: dict[Any, Due] = {}
        self.after_created: dict[Any, Due] = {}

    def from_last(self, raw: Any) -> Due:
        """The due date after a last-done day (as the driver returns it)."""
        assert self._interval is not None
        last_on = self._days.to_date(raw)
        due = self.after_last[raw] = self._days.due(last_on, self._interval.add(last_on))
        return due

    def from_base(self, raw: Any) -> Due:
        """The first due date of an asset never done, counted from its installation day."""
        due = self.after_base[raw] = self._first(self._days.to_date(raw))
        return due

    def from_created(self, raw: Any) -> Due:
        """The first due date of a row never done, counted from its day of registration."""
        due = self.after_created[raw] = self._first(self._days.to_date(raw))
        return due

    def _first(self, start: date) -> Due:
        nb = self._o.first_due.not_before
        first = first_after(self._o, self._interval).add(max(start, nb) if nb else start)
        return self._days.due(None, first)


def build_items(
    rows: Iterable[tuple[Any, ...]],
    chosen: list[Obligation],
    *,
    as_of: date,
    window_days: int,
    dialect: Any,
    onboarding_days: int = 0,
) -> list[DueItem]:
    """Turn the engine's rows (their lanes index `lanes(chosen)`) into DueItems by `sort_key`.

    A row's last column is its registration day while it is in its onboarding grace (else
    None): a periodic obligation that fell due before then is `no_record` (see `_waiting`).
    """
    ranks = {code: i for i, code in enumerate(sorted({o.code for o in chosen}))}
    rank_bits = len(ranks).bit_length()
    days = _Days(as_of, window_days, dialect, rank_bits)
    by_lane = [_Lane(o, i, ranks[o.code], days) for o, i in lanes(chosen)]
    items: list[DueItem] = []
    keys: list[int] = []
    fid_shift = ID_BITS + rank_bits
    for number, aid, tag, ref, kind, base, created, fid, fname, sub, org, last, reg in rows:
        lane = by_lane[number]
        if last is not None and lane.recurs:
            due = lane.after_last.get(last) or lane.from_last(last)
        elif base is not None:
            due = lane.after_base.get(base) or lane.from_base(base)
        else:
            due = lane.after_created.get(created) or lane.from_created(created)
        if reg is not None and lane.recurs:
            due = _waiting(due, days.to_date(reg), onboarding_days, days.shift)
        items.append(
            DueItem(
                lane.code, lane.title_zh, lane.title_en, aid, tag, ref, kind, fid, fname, sub,
                org, due[1], due[0], due[2], due[3], lane.activities, "obligation", NO_EXTRA,
            )
        )  # fmt: skip
        keys.append(due[4] | fid << fid_shift | (aid or 0) << rank_bits | lane.rank)
    return [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]


def _waiting(due: Due, registered: date, onboarding_days: int, shift: int) -> Due:
    """`no_record` instead of overdue for an obligation that fell due before the registration.

    Its due date becomes the end of the grace: the day it turns overdue if still unrecorded.
    """
    if due[1] >= registered:
        return due
    until = registered + timedelta(days=onboarding_days)
    return None, until, "no_record", 0, until.toordinal() << shift
