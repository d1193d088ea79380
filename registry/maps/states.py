"""Each facility's compliance state, kept current so that the map reads it in one query.

The due-date engine (registry.compliance.engine) answers a facility's worst state for a day;
for the facilities of a map's box it costs a correlated look-up of the activity records per
asset and obligation (≈ 185 ms for a phone's viewport at 1M assets). Its answer turns with the
day only at dates known in advance, so a `facility_state` row keeps those dates:

- `due_on`: the earliest due date of the facility's obligations (engine run with a horizon of a
  century): due soon from `due_on - window`, overdue from `overdue_on`;
- `overdue_on`: the day after `due_on`, or the end of an onboarding grace if earlier;
- `no_record_until`: an obligation in its onboarding grace (`no_record`) before this day.

So the state on any day (today, or under faketime +400 days) is a function of the row and the
day (`state_on`): the day's turn needs no job. A row is recomputed in the transaction of every
write the engine reads (facilities, assets, activity records, receptor nearness): an
`after_flush` hook collects the facility ids, a `before_commit` hook runs the engine for them.
A row is not trusted (the engine answers for that facility instead) when it is missing, was
computed under another rule pack or settings (`fingerprint`), on a later day than asked, or
when a record or registration dated after its computation has come due (`valid_until`).
`ust-registry map refresh` recomputes every facility (after a pack change, or bulk SQL).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Iterable
from datetime import date
from datetime import timedelta
from itertools import chain
from typing import Any
from typing import NamedTuple
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from registry.assets.models import Asset
from registry.compliance import engine
from registry.compliance.engine import Scope
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import active_pack
from registry.compliance.services import window_days
from registry.compliance.states import RANK
from registry.compliance.states import worst_states
from registry.core.dates import today
from registry.extensions import db
from registry.maps.models import FacilityState
from registry.sites.models import Facility

TABLE = cast(sa.Table, FacilityState.__table__)
ASSET = cast(sa.Table, Asset.__table__)
RECORD = cast(sa.Table, ActivityRecord.__table__)
FACILITY = cast(sa.Table, Facility.__table__)
# How far ahead the engine looks when it computes a row: every due date within a century.
HORIZON_DAYS = 36_525
# A row is read for this long at most (beyond, a due date past the horizon could come due).
TRUST_DAYS = 30_000
_BATCH = 1000
_PENDING = "facility_state_pending"


def fingerprint() -> str:
    """What the stored rows depend on besides the data: the pack's obligations and nearness
    distances, the onboarding grace and the default receptor distance."""
    pack = active_pack()
    onboarding = int(current_app.config.get("ONBOARDING_DAYS", 0))
    near = float(current_app.config.get("RECEPTOR_DISTANCE_M", 500))
    cache = current_app.extensions.setdefault("facility_state_fingerprint", {})
    key = (onboarding, near)
    hit = cache.get(key)
    if hit is None or hit[0] is not pack:
        text = repr(
            (
                pack.code,
                pack.obligations,
                pack.event_obligations,
                sorted(pack.receptor_distances.items()),
                onboarding,
                near,
            )
        )
        hit = cache[key] = (pack, hashlib.sha256(text.encode()).hexdigest())
    return str(hit[1])


def state_on(row: Any, day: date, window: int) -> str:
    """The facility's worst state on `day` from its stored dates (see the module's doc)."""
    if row.overdue_on is not None and day >= row.overdue_on:
        return "overdue"
    if row.due_on is not None and row.due_on <= day + timedelta(days=window):
        return "due_soon"
    if row.no_record_until is not None and day < row.no_record_until:
        return "no_record"
    return "ok"


def _trusted(row: Any, day: date, fp: str) -> bool:
    return (
        row.fingerprint == fp
        and row.computed_on <= day
        and (row.valid_until is None or day < row.valid_until)
    )


def facility_states(facility_ids: list[int], day: date | None = None) -> dict[int, str]:
    """The worst state of each facility on `day` (default today): from the stored rows, and
    from the engine for the facilities whose rows are missing or not to be trusted."""
    stored: dict[int, Any] = dict.fromkeys(facility_ids)
    stmt = sa.select(TABLE).where(TABLE.c.facility_id.in_(sa.bindparam("ids", expanding=True)))
    conn = db.session.connection()
    for start in range(0, len(facility_ids), 10_000):
        part = facility_ids[start : start + 10_000]
        stored.update((row.facility_id, row) for row in conn.execute(stmt, {"ids": part}))
    return states_of(stored, day)


def states_of(stored: dict[int, Any], day: date | None = None) -> dict[int, str]:
    """The state on `day` of each facility from its stored row (None: none), by the engine
    for those whose rows are missing or not to be trusted."""
    day = day or today()
    if not stored:
        return {}
    fp, window = fingerprint(), window_days()
    # Changed in this transaction but not yet recomputed (that happens on commit).
    pending = db.session().info.get(_PENDING, ())
    out = {
        fid: state_on(row, day, window)
        for fid, row in stored.items()
        if row is not None and fid not in pending and _trusted(row, day, fp)
    }
    missing = [i for i in stored if i not in out]
    if missing:
        computed = worst_states(as_of=day, facility_ids=missing)
        out.update((i, computed.of_facility(i)) for i in missing)
    return out


def stored_columns() -> list[Any]:
    """The columns `state_on` and `_trusted` read, to outer-join into a facility select."""
    names = ("due_on", "overdue_on", "no_record_until", "computed_on", "valid_until")
    return [TABLE.c[n].label(f"state_{n}") for n in (*names, "fingerprint")]


def stored_row(row: Any) -> Any:
    """The stored state's part of a row selected with `stored_columns` (None: no row)."""
    if row.state_computed_on is None:
        return None
    return _Stored(
        row.state_due_on,
        row.state_overdue_on,
        row.state_no_record_until,
        row.state_computed_on,
        row.state_valid_until,
        row.state_fingerprint,
    )


class _Stored(NamedTuple):
    due_on: date | None
    overdue_on: date | None
    no_record_until: date | None
    computed_on: date
    valid_until: date | None
    fingerprint: str


def _rows(facility_ids: list[int], day: date) -> list[dict[str, Any]]:
    """Run the engine for these (existing) facilities; their rows as of `day`."""
    items = engine.compute(
        active_pack(),
        as_of=day,
        window_days=0,
        horizon_days=HORIZON_DAYS,
        scope=Scope(facility_ids=tuple(facility_ids)),
    )
    fp = fingerprint()
    rows: dict[int, dict[str, Any]] = {
        fid: {
            "facility_id": fid,
            "due_on": None,
            "overdue_on": None,
            "no_record_until": None,
            "computed_on": day,
            "valid_until": day + timedelta(days=TRUST_DAYS),
            "fingerprint": fp,
        }
        for fid in facility_ids
    }
    for item in items:
        row = rows.get(item.facility_id)
        if row is None or item.state not in RANK:
            continue
        if item.state == "no_record":
            # In its onboarding grace till due_on, overdue from then on (registry.compliance.due).
            until = item.due_on
            row["no_record_until"] = max(row["no_record_until"] or until, until)
            turns = until
        else:
            row["due_on"] = min(row["due_on"] or item.due_on, item.due_on)
            turns = item.due_on + timedelta(days=1)
        row["overdue_on"] = min(row["overdue_on"] or turns, turns)
    for fid, first in _later_dates(facility_ids, day).items():
        rows[fid]["valid_until"] = min(rows[fid]["valid_until"], first)
    return list(rows.values())


def _later_dates(facility_ids: list[int], day: date) -> dict[int, date]:
    """The first record or registration of each facility dated after `day`: from that day on
    the engine would count it, so the row computed on `day` no longer holds."""
    ids: Any = sa.bindparam("ids", expanding=True)
    parts = [
        sa.select(RECORD.c.facility_id.label("fid"), RECORD.c.performed_on.label("on")).where(
            RECORD.c.facility_id.in_(ids), RECORD.c.performed_on > day
        ),
        sa.select(ASSET.c.facility_id, ASSET.c.registered_on).where(
            ASSET.c.facility_id.in_(ids), ASSET.c.registered_on > day
        ),
        sa.select(FACILITY.c.id, FACILITY.c.registered_on).where(
            FACILITY.c.id.in_(ids), FACILITY.c.registered_on > day
        ),
    ]
    later = sa.union_all(*parts).subquery()
    stmt = sa.select(later.c.fid, sa.func.min(later.c.on)).group_by(later.c.fid)
    rows = db.session.connection().execute(stmt, {"ids": facility_ids})
    return {fid: _as_date(first) for fid, first in rows}


def _as_date(value: Any) -> date:
    # SQLite answers a union's dates as ISO text.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def recompute(facility_ids: Iterable[int], day: date | None = None) -> int:
    """Replace the rows of these facilities (dropping those of deleted ones); return how many
    facilities were computed."""
    day = day or today()
    wanted = sorted(set(facility_ids))
    conn = db.session.connection()
    done = 0
    for start in range(0, len(wanted), _BATCH):
        part = wanted[start : start + _BATCH]
        # Lock the facilities first (PostgreSQL; SQLite has one writer at a time): a
        # transaction writing to one of them concurrently commits before this one reads (each
        # statement then sees its rows), or waits till this one has committed and computes
        # after it. Without it each could store a state missing the other's write. FOR NO KEY
        # UPDATE: it does not wait for the key-share locks that inserting a record or an asset
        # of the facility takes (FOR UPDATE would deadlock two such transactions).
        locked = sa.select(FACILITY.c.id).where(FACILITY.c.id.in_(part)).order_by(FACILITY.c.id)
        alive = list(conn.scalars(locked.with_for_update(key_share=True)))
        conn.execute(TABLE.delete().where(TABLE.c.facility_id.in_(part)))
        rows = _rows(alive, day) if alive else []
        if rows:
            conn.execute(TABLE.insert(), rows)
        done += len(alive)
    return done


def refresh_all(progress: Callable[[int], None] | None = None) -> int:
    """Compute every facility's row again; return how many."""
    ids = list(db.session.scalars(sa.select(Facility.id).order_by(Facility.id)))
    day = today()
    step = _BATCH * 10
    for start in range(0, len(ids), step):
        recompute(ids[start : start + step], day)
        if progress is not None:
            progress(min(start + step, len(ids)))
    db.session.connection().execute(
        TABLE.delete().where(TABLE.c.facility_id.not_in(sa.select(FACILITY.c.id)))
    )
    return len(ids)


def mark(session: Any, facility_ids: Iterable[int | None]) -> None:
    """Have these facilities' rows recomputed when the session commits (for writes that do not
    go through the ORM: bulk inserts, Core statements)."""
    session.info.setdefault(_PENDING, set()).update(i for i in facility_ids if i is not None)


def _old_and_new(obj: Any, attr: str) -> list[int | None]:
    history = inspect(obj).attrs[attr].history
    return [getattr(obj, attr), *history.deleted]


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context: Any) -> None:
    ids: list[int | None] = []
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Facility):
            ids.append(obj.id)
        elif isinstance(obj, Asset | ActivityRecord):
            ids += _old_and_new(obj, "facility_id")
    if ids:
        mark(session, ids)


@event.listens_for(Session, "do_orm_execute")
def _collect_bulk(state: Any) -> None:
    """An UPDATE or DELETE of facilities, assets or records by statement (not a flush): the
    facilities of the rows it matches, read before it runs."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper if hasattr(state, "bind_mapper") else None
    entity = getattr(mapper, "class_", None)
    if entity is None or not issubclass(entity, Facility | Asset | ActivityRecord):
        return
    column = Facility.id if issubclass(entity, Facility) else entity.facility_id
    where = state.statement.whereclause
    stmt = sa.select(column) if where is None else sa.select(column).where(where)
    ids: list[int | None] = list(state.session.execute(stmt).scalars())
    values = getattr(state.statement, "_values", None) or {}
    ids += [
        v.value
        for k, v in values.items()
        if getattr(k, "key", k) == "facility_id" and hasattr(v, "value")
    ]
    mark(state.session, ids)


@event.listens_for(Session, "before_commit")
def _recompute_pending(session: Session) -> None:
    if not session.info.get(_PENDING):
        return
    session.flush()
    pending = session.info.pop(_PENDING, set())
    if not pending:
        return
    if db.session.registry.has() and db.session() is session:
        recompute(pending)
    else:
        # Another session (a migration's): no engine on it; the rows go, the map falls back.
        ids = sorted(pending)
        if not sa.inspect(session.connection()).has_table("facility_state"):
            return  # a migration before the table's
        for start in range(0, len(ids), _BATCH):
            session.connection().execute(
                TABLE.delete().where(TABLE.c.facility_id.in_(ids[start : start + _BATCH]))
            )


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    # The whole transaction rolled back: nothing of it is written (a savepoint's rollback
    # keeps what was flushed before it, and so the ids).
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
