"""The due-date engine: which obligations are due when, for every asset and facility, in one query.

For each obligation of the pack, one branch of a single UNION ALL selects the assets (or
facilities) it applies to, with the date of their last passing satisfying activity. The
filter "next due on or before as_of + horizon" is pushed into SQL without date arithmetic
there: the interval's month arithmetic (clamped to month ends) is monotonic, so "last +
interval <= limit" is "last <= the latest start that ends by limit", a bound computed in
Python. Only those candidate rows come back; their exact due dates are computed in Python
(registry.compliance.due).
The number of statements is therefore one, whatever the number of assets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from itertools import accumulate
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.compliance.due import DueItem
from registry.compliance.due import build_items
from registry.compliance.due import first_after
from registry.compliance.due import variants
from registry.compliance.event_engine import event_branch
from registry.compliance.models import ActivityRecord
from registry.compliance.obligations import LIST_ATTRIBUTES
from registry.compliance.obligations import EventObligation
from registry.compliance.rules import Condition
from registry.compliance.rules import Obligation
from registry.compliance.rules import RulePack
from registry.extensions import db
from registry.receptors.services import near_clause
from registry.sites.models import Facility

ASSET = Asset.__table__
TANK = Tank.__table__
PIPE = Pipeline.__table__
FACILITY = Facility.__table__
RECORD = ActivityRecord.__table__
ALIVE_FACILITY = "active"
Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Scope:
    """Which rows to look at: all, one organization, one facility or one asset."""

    organization_id: int | None = None
    facility_id: int | None = None
    asset_id: int | None = None
    obligations: tuple[str, ...] | None = None
    bbox: Bbox | None = None  # facilities whose point lies in (min_lon, min_lat, max_lon, max_lat)
    # A page of a list: these assets (their own obligations only), or these facilities.
    asset_ids: tuple[int, ...] | None = None
    facility_ids: tuple[int, ...] | None = None
    # The assets with ids in this closed range (a page of the field pack): asset obligations only.
    asset_range: tuple[int, int] | None = None

    @property
    def assets_only(self) -> bool:
        return (
            self.asset_id is not None
            or self.asset_range is not None
            or self.asset_ids is not None
        )


def _attr_column(name: str) -> Any:
    if name in TANK.c and name != "id":
        return TANK.c[name]
    if name in PIPE.c and name != "id":
        return PIPE.c[name]
    return ASSET.c[name]


def _test(side: str, name: str, values: tuple[Any, ...]) -> ColumnElement[bool]:
    """One attribute test, never NULL (so that NOT of it is safe)."""
    if (side, name) == ("facility", "near_receptor"):
        return _near(values)
    col = FACILITY.c[name] if side == "facility" else _attr_column(name)
    if name in LIST_ATTRIBUTES:
        # JSON list of codes ([a-z_] only): a quoted code in its text means "contains".
        text = sa.cast(col, sa.String)
        return sa.and_(col.is_not(None), sa.or_(*[text.like(f'%"{v}"%') for v in values]))
    return sa.and_(col.is_not(None), col.in_(values))


def _near(kinds: tuple[Any, ...]) -> ColumnElement[bool]:
    """The facility lies within its kind's distance of a receptor of one of these kinds."""
    return near_clause(FACILITY.c.id, kinds)


def _asset_filter(o: Obligation) -> list[ColumnElement[bool]]:
    return [ASSET.c.kind.in_(o.asset_kinds), ASSET.c.status.in_(o.statuses)]


def _condition(o: Obligation, cond: Condition) -> ColumnElement[bool]:
    """A condition: facility tests directly; for facility scope, asset tests via EXISTS."""
    facility_tests = [_test(s, n, v) for s, n, v in cond.tests if s == "facility"]
    asset_tests = [_test(s, n, v) for s, n, v in cond.tests if s == "asset"]
    if o.scope == "asset" or not asset_tests:
        return sa.and_(sa.true(), *facility_tests, *asset_tests)
    return sa.and_(sa.true(), *facility_tests, _some_asset(o, asset_tests))


def _some_asset(o: Obligation, tests: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    inner = (
        sa.select(sa.literal(1))
        .select_from(
            ASSET.outerjoin(TANK, TANK.c.id == ASSET.c.id).outerjoin(PIPE, PIPE.c.id == ASSET.c.id)
        )
        .where(ASSET.c.facility_id == FACILITY.c.id, *_asset_filter(o), *tests)
    )
    return sa.exists(inner)


def _applies(o: Obligation) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if o.when:
        where.append(sa.or_(*[_condition(o, c) for c in o.when]))
    if o.unless:
        where.append(sa.not_(sa.or_(*[_condition(o, c) for c in o.unless])))
    if o.scope == "facility":
        where.append(_some_asset(o, []))
    return where


def _last_done(o: Obligation, as_of: date) -> Any:
    """The last passing satisfying activity on or before as_of (a correlated look-up)."""
    key = (
        RECORD.c.asset_id == ASSET.c.id
        if o.scope == "asset"
        else (RECORD.c.facility_id == FACILITY.c.id)
    )
    return (
        sa.select(sa.func.max(RECORD.c.performed_on))
        .where(
            key,
            RECORD.c.activity.in_(o.satisfied_by),
            RECORD.c.result == "pass",
            RECORD.c.performed_on <= as_of,
        )
        .scalar_subquery()
    )


def _due_filter(o: Obligation, first: int, cols: Any, limit: date) -> Any:
    """Rows whose next due date is on or before `limit`, per interval variant.

    Works on the columns of the inner select, so that the last-done look-up runs once a row.
    """
    last, base, created = cols.last, cols.base, cols.created
    branches = []
    for index, (_, interval) in enumerate(variants(o)):
        start_bound = first_after(o, interval).latest_start(limit)
        never: Any = sa.false()
        nb = o.first_due.not_before
        if nb is None or nb <= start_bound:
            undated = created <= start_bound
            if o.scope == "asset":
                never = sa.or_(
                    sa.and_(base.is_not(None), base <= start_bound),
                    sa.and_(base.is_(None), undated),
                )
            else:
                never = undated
        done = sa.false() if interval is None else last <= interval.latest_start(limit)
        due = sa.or_(sa.and_(last.is_(None), never), sa.and_(last.is_not(None), done))
        branches.append(due if len(variants(o)) == 1 else sa.and_(cols.lane == first + index, due))
    return sa.or_(*branches)


def _lane(o: Obligation, first: int) -> Any:
    """The row's lane: the obligation's first lane plus the index of its interval variant."""
    if not o.interval_overrides:
        return sa.literal(first)
    whens = [(_condition(o, c), first + i) for i, (c, _) in enumerate(o.interval_overrides)]
    return sa.case(*whens, else_=first + len(o.interval_overrides))


def _candidates(o: Obligation, first: int, as_of: date, scope: Scope) -> Any:
    """The rows an obligation applies to, laid out as the statement's rows (see build_query)."""
    frm: Any
    cols: list[Any]
    if o.scope == "asset":
        base = ASSET.c.installed_on
        # Only needed without an installation date: NULL otherwise spares decoding a date for
        # every row.
        created = sa.case((base.is_(None), ASSET.c.registered_on), else_=sa.null())
        frm = FACILITY.join(ASSET, ASSET.c.facility_id == FACILITY.c.id)
        conds = o.when + o.unless + tuple(c for c, _ in o.interval_overrides)
        names = {n for c in conds for s, n, _ in c.tests if s == "asset"}
        if names & (set(TANK.c.keys()) - {"id"}):
            frm = frm.outerjoin(TANK, TANK.c.id == ASSET.c.id)
        if names & (set(PIPE.c.keys()) - {"id"}):
            frm = frm.outerjoin(PIPE, PIPE.c.id == ASSET.c.id)
        cols = [ASSET.c.id, ASSET.c.tag, ASSET.c.operator_ref, ASSET.c.kind, base, created]
        registered = ASSET.c.registered_on
        where = _asset_filter(o)
    else:
        frm = FACILITY
        cols = [sa.cast(sa.null(), t) for t in (sa.Integer, sa.String, sa.String, sa.String)]
        cols += [sa.cast(sa.null(), sa.Date), FACILITY.c.registered_on]
        registered = FACILITY.c.registered_on
        where = []
    inner = sa.select(
        _lane(o, first).label("lane"),
        *[
            c.label(n)
            for c, n in zip(cols, ("aid", "tag", "ref", "kind", "base", "created"), strict=True)
        ],
        FACILITY.c.id.label("fid"),
        FACILITY.c.name.label("fname"),
        FACILITY.c.subdistrict.label("sub"),
        FACILITY.c.organization_id.label("org"),
        _last_done(o, as_of).label("last"),
        registered.label("reg"),
    ).select_from(frm)
    inner = inner.where(FACILITY.c.status == ALIVE_FACILITY, *where, *_applies(o))
    return inner.where(*_scope_filters(o, scope))


def _branch(
    o: Obligation, first: int, as_of: date, limit: date, scope: Scope, onboarding: int
) -> Any:
    if isinstance(o, EventObligation):
        return event_branch(o, first, as_of, limit, _applies(o), _scope_filters(o, scope))
    # OFFSET 0 keeps the subquery a subquery: flattened into the outer query (SQLite and
    # PostgreSQL both do), the last-done look-up would run once per mention of `last` in the
    # due filter (up to four times a row) instead of once.
    sub = _candidates(o, first, as_of, scope).offset(0).subquery(f"ob{first}")
    cols = [c for c in sub.c if c.name != "reg"]
    onboarding_col = _onboarding(o, sub.c, as_of, onboarding).label("reg")
    return sa.select(*cols, onboarding_col).where(_due_filter(o, first, sub.c, limit))


def _onboarding(o: Obligation, cols: Any, as_of: date, onboarding: int) -> Any:
    """The registration day of a row still in its onboarding grace, else NULL.

    In the grace: registered less than `onboarding` days before as_of (not after it) and no
    record at all (passed or failed) of a satisfying activity by as_of. Whether the obligation
    fell due before the registration is decided in Python (registry.compliance.due). The
    look-up runs on the rows the due filter kept only, and only when nothing passed.
    """
    if onboarding <= 0 or all(interval is None for _, interval in variants(o)):
        return sa.cast(sa.null(), sa.Date)
    key = RECORD.c.asset_id == cols.aid if o.scope == "asset" else RECORD.c.facility_id == cols.fid
    tried = sa.exists(
        sa.select(sa.literal(1)).where(
            key, RECORD.c.activity.in_(o.satisfied_by), RECORD.c.performed_on <= as_of
        )
    )
    since = as_of - timedelta(days=onboarding)
    fresh = sa.and_(cols.last.is_(None), cols.reg > since, cols.reg <= as_of, sa.not_(tried))
    return sa.case((fresh, cols.reg), else_=sa.null())


def _one_of(column: Any, name: str) -> ColumnElement[bool]:
    """`column` is one of the ids bound as `name`.

    On PostgreSQL one array parameter (`= ANY(:ids)`): the statement's text is then the same
    whatever the number of ids, so psycopg converts it once and prepares it. An expanding
    `IN` made a different text for each count, a parameter for each id in each branch of the
    UNION, each converted again and never prepared: 2 ms of a facility list's time (issue 24).
    """
    if db.engine.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))


def _scope_filters(o: Obligation, scope: Scope) -> list[Any]:
    """The scope as bound parameters: one statement serves every asset, facility or
    organization (their ids come with the execution, see `scope_params`)."""
    out: list[Any] = []
    if scope.organization_id is not None:
        out.append(FACILITY.c.organization_id == sa.bindparam("scope_org", type_=sa.Integer))
    if scope.facility_id is not None:
        out.append(FACILITY.c.id == sa.bindparam("scope_facility", type_=sa.Integer))
    if scope.asset_id is not None:
        asset = ASSET.c.id == sa.bindparam("scope_asset", type_=sa.Integer)
        out.append(asset if o.scope == "asset" else sa.false())
    if scope.asset_ids is not None:
        some = _one_of(ASSET.c.id, "scope_asset_ids")
        out.append(some if o.scope == "asset" else sa.false())
    if scope.facility_ids is not None:
        out.append(_one_of(FACILITY.c.id, "scope_facility_ids"))
    if scope.bbox is not None:
        lon, lat = FACILITY.c.longitude, FACILITY.c.latitude
        box = [sa.bindparam(f"scope_{n}", type_=sa.Float) for n in ("w", "s", "e", "n")]
        out += [lon.between(box[0], box[2]), lat.between(box[1], box[3])]
    if scope.asset_range is not None:
        first = sa.bindparam("scope_first", type_=sa.Integer)
        last = sa.bindparam("scope_last", type_=sa.Integer)
        out.append(ASSET.c.id.between(first, last) if o.scope == "asset" else sa.false())
    return out


def scope_params(scope: Scope) -> dict[str, Any]:
    """The values of the scope's bound parameters."""
    values: dict[str, Any] = {
        "scope_org": scope.organization_id,
        "scope_facility": scope.facility_id,
        "scope_asset": scope.asset_id,
        "scope_first": scope.asset_range[0] if scope.asset_range else None,
        "scope_last": scope.asset_range[1] if scope.asset_range else None,
    }
    if scope.asset_ids is not None:
        values["scope_asset_ids"] = list(scope.asset_ids) or [-1]
    if scope.facility_ids is not None:
        values["scope_facility_ids"] = list(scope.facility_ids) or [-1]
    if scope.bbox is not None:
        values.update(zip(("scope_w", "scope_s", "scope_e", "scope_n"), scope.bbox, strict=True))
    return {k: v for k, v in values.items() if v is not None}


_QUERY_CACHE_SIZE = 64


def cached_query(
    pack: RulePack, as_of: date, limit: date, scope: Scope, onboarding: int = 0
) -> tuple[Any, list[Any]]:
    """`build_query`, built once per day, window and shape of scope for the app's rule pack.

    Building the UNION of every obligation costs more than running it for one asset (≈ 8 ms
    against ≈ 2 ms): the asset pages, the landing page and the API ask for one asset at a time.
    """
    cache = current_app.extensions.setdefault("compliance_queries", {})
    key = (
        as_of,
        limit,
        scope.organization_id is not None,
        scope.facility_id is not None,
        scope.asset_id is not None,
        scope.bbox is not None,
        scope.asset_ids is not None,
        scope.facility_ids is not None,
        scope.asset_range is not None,
        scope.obligations,
        onboarding,
    )
    hit = cache.get(key)
    if hit is None or hit[0] is not pack:
        if len(cache) >= _QUERY_CACHE_SIZE:
            cache.clear()
        hit = cache[key] = (pack, *build_query(pack, as_of, limit, scope, onboarding))
    return hit[1], hit[2]


def build_query(
    pack: RulePack, as_of: date, limit: date, scope: Scope, onboarding: int = 0
) -> tuple[Any, list[Any]]:
    """Return the one UNION ALL statement and the obligations its rows are of.

    A row's first column is its lane: the index of its (obligation, interval variant) pair
    when the obligations' variants are listed in order (`due.lanes`).
    """
    chosen = [
        o
        for o in (*pack.obligations, *pack.event_obligations)
        if (scope.obligations is None or o.code in scope.obligations)
        and not (scope.assets_only and o.scope != "asset")
    ]
    firsts = accumulate((len(variants(o)) for o in chosen), initial=0)
    branches = [
        _branch(o, first, as_of, limit, scope, onboarding)
        for o, first in zip(chosen, firsts, strict=False)
    ]
    if not branches:
        return None, chosen
    return (branches[0] if len(branches) == 1 else sa.union_all(*branches)), chosen


def compute(
    pack: RulePack,
    *,
    as_of: date,
    window_days: int,
    horizon_days: int | None = None,
    scope: Scope | None = None,
    onboarding_days: int | None = None,
) -> list[DueItem]:
    """Return every obligation due on or before as_of + horizon (default: the window).

    `onboarding_days` (default: the ONBOARDING_DAYS setting) is the grace of a newly
    registered row whose obligation fell due before its registration: `no_record` till then.
    """
    scope = scope or Scope()
    limit = as_of + timedelta(days=window_days if horizon_days is None else horizon_days)
    if onboarding_days is None:
        onboarding_days = int(current_app.config.get("ONBOARDING_DAYS", 0))
    stmt, chosen = cached_query(pack, as_of, limit, scope, onboarding_days)
    if stmt is None:
        return []
    # PostgreSQL's JIT would cost more than this wide UNION takes to run: the app's
    # connections start with it off (registry.core.postgres).
    result = db.session.connection().execute(stmt, scope_params(scope))
    # The driver's own tuples (build_items reads the few typed columns itself); fetchall:
    # psycopg's row-by-row fetchone costs ~4 µs a row, a third of the run at 200k rows.
    with result:
        rows = result.cursor.fetchall()
    return build_items(
        rows,
        chosen,
        as_of=as_of,
        window_days=window_days,
        dialect=result.dialect,
        onboarding_days=onboarding_days,
    )
