"""Financial responsibility: an owner's mechanisms, what the pack requires, and when they lapse.

The amounts of the mechanisms in force on a day add up; the requirement depends on whether the
owner is a petroleum marketer or handles more than the pack's monthly throughput (per
occurrence) and on how many tanks it owns (aggregate). The checks and the reminders are one
statement each over every organization.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select

from registry.assets.models import Asset
from registry.auth import policy
from registry.compliance.due import DueItem
from registry.compliance.due import reminder
from registry.compliance.due import state_of
from registry.compliance.obligations import FinancialRules
from registry.compliance.rules import active_pack
from registry.core.dates import today
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.extensions import db
from registry.people.models import FinancialAssurance
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.services import apply_changes
from registry.sites.services import check_version
from registry.sites.services import flush_versioned

CODE = "financial_responsibility"
SOURCE = "financial_responsibility"
FA = FinancialAssurance


def mechanisms_of(organization_id: int) -> list[FinancialAssurance]:
    """Return an organization's mechanisms, the latest first."""
    stmt = (
        select(FA)
        .where(FA.organization_id == organization_id)
        .order_by(FA.effective_on.desc(), FA.id.desc())
    )
    return list(db.session.scalars(stmt))


def get_mechanism(user: Any, mechanism_id: int) -> FinancialAssurance:
    """Return a mechanism the user may see, or raise NotFound."""
    stmt = select(FA).where(FA.id == mechanism_id)
    return policy.visible_one(
        stmt, user, FA.organization_id, N_("No such financial responsibility mechanism.")
    )


def add_mechanism(org: Organization, data: dict[str, Any]) -> FinancialAssurance:
    """Record a mechanism by which an owner shows financial responsibility."""
    row = FA(organization_id=org.id, **data)
    db.session.add(row)
    db.session.flush()
    return row


def change_mechanism(
    row: FinancialAssurance, data: dict[str, Any], *, version: int | None
) -> FinancialAssurance:
    """Change a mechanism (stale version: 409)."""
    check_version(row, version)
    apply_changes(row, data)
    start, end = row.effective_on, row.expires_on
    if end is not None and end < start:
        raise Invalid(
            N_("Invalid input."), errors={"expires_on": [N_("It expires before it takes effect.")]}
        )
    flush_versioned(row)
    return row


def remove_mechanism(row: FinancialAssurance) -> None:
    """Remove a mechanism recorded in error (the audit log keeps it)."""
    db.session.delete(row)
    db.session.flush()


def _in_force(on: date) -> Any:
    return sa.and_(FA.effective_on <= on, sa.or_(FA.expires_on.is_(None), FA.expires_on >= on))


def _tank_counts() -> Any:
    """Tanks not permanently closed, per organization."""
    return (
        select(Facility.organization_id.label("org"), sa.func.count(Asset.id).label("tanks"))
        .join(Asset, Asset.facility_id == Facility.id)
        .where(Asset.kind == "tank", Asset.status != "permanently_closed")
        .group_by(Facility.organization_id)
        .subquery("tanks")
    )


def standing_query(on: date, organization_id: int | None = None) -> Any:
    """Per organization with a mechanism: amounts in force, marketer, throughput, tank count."""
    force = _in_force(on)
    tanks = _tank_counts()
    mine = [] if organization_id is None else [FA.organization_id == organization_id]
    amounts = (
        select(
            FA.organization_id.label("org"),
            sa.func.coalesce(sa.func.sum(sa.case((force, FA.per_occurrence), else_=0)), 0).label(
                "occurrence"
            ),
            sa.func.coalesce(sa.func.sum(sa.case((force, FA.aggregate), else_=0)), 0).label(
                "aggregate"
            ),
            sa.func.max(sa.case((FA.petroleum_marketer, 1), else_=0)).label("marketer"),
            sa.func.max(FA.monthly_throughput_gallons).label("gallons"),
        )
        .where(*mine)
        .group_by(FA.organization_id)
        .subquery("amounts")
    )
    return select(
        amounts.c.org,
        amounts.c.occurrence,
        amounts.c.aggregate,
        amounts.c.marketer,
        amounts.c.gallons,
        sa.func.coalesce(tanks.c.tanks, 0),
    ).outerjoin(tanks, tanks.c.org == amounts.c.org)


@dataclass(frozen=True)
class Standing:
    """What an owner must show and what it shows on a day."""

    organization_id: int
    per_occurrence: int
    aggregate: int
    required_per_occurrence: int
    required_aggregate: int
    tanks: int

    @property
    def sufficient(self) -> bool:
        return (
            self.per_occurrence >= self.required_per_occurrence
            and self.aggregate >= self.required_aggregate
        )


def standing(rules: FinancialRules, org: int, row: tuple[Any, ...] | None) -> Standing:
    """The standing of one organization from its row of `standing_query` (None: no row)."""
    _, occurrence, aggregate, marketer, gallons, tanks = row or (org, 0, 0, 0, None, 0)
    need_occ, need_agg = rules.required(marketer=bool(marketer), gallons=gallons, tanks=tanks)
    return Standing(org, int(occurrence), int(aggregate), need_occ, need_agg, int(tanks))


def standing_of(organization_id: int, on: date | None = None) -> Standing | None:
    """The standing of one organization (None: the pack asks for none)."""
    rules = active_pack().financial
    if rules is None:
        return None
    stmt = standing_query(on or today(), organization_id)
    return standing(rules, organization_id, db.session.execute(stmt).first())


def insufficient_rows() -> Any:
    """Select (code, asset_id, facility_id): the active facilities of organizations whose
    mechanisms in force today fall short of the pack's amounts; None when the pack asks none."""
    rules = active_pack().financial
    if rules is None:
        return None
    sub = standing_query(today()).subquery("standing")
    cols = list(sub.c)
    org, occurrence, aggregate, marketer, gallons, tanks = cols
    big = sa.or_(marketer == 1, sa.func.coalesce(gallons, 0) > rules.throughput_gallons)
    need_occ = sa.case((big, rules.per_occurrence), else_=rules.per_occurrence_small)
    need_agg = sa.case(
        (tanks > rules.large_tank_count, rules.aggregate_large), else_=rules.aggregate
    )
    return (
        select(
            sa.literal("financial_responsibility_insufficient").label("code"),
            sa.cast(sa.null(), sa.Integer).label("asset_id"),
            Facility.id.label("facility_id"),
        )
        .join(sub, org == Facility.organization_id)
        .where(Facility.status == "active", sa.or_(occurrence < need_occ, aggregate < need_agg))
    )


def expiry_reminders(
    as_of: date, organization_id: int | None = None, window_days: int = 14
) -> Iterator[DueItem]:
    """Yield per organization the day its financial responsibility lapses, when within the
    window or past: the latest expiry of its mechanisms, unless one runs without end."""
    if active_pack().financial is None:
        return
    first_facility = (
        select(sa.func.min(Facility.id))
        .where(Facility.organization_id == FA.organization_id, Facility.status == "active")
        .correlate(FA)
        .scalar_subquery()
    )
    open_ended = sa.func.sum(sa.case((FA.expires_on.is_(None), 1), else_=0))
    stmt = (
        select(FA.organization_id, sa.func.max(FA.expires_on), first_facility)
        .group_by(FA.organization_id)
        .having(open_ended == 0)
    )
    if organization_id is not None:
        stmt = stmt.where(FA.organization_id == organization_id)
    rows = [r for r in db.session.execute(stmt) if r[2] is not None]
    ids = [r[2] for r in rows]
    named = select(Facility.id, Facility.name).where(Facility.id.in_(ids))
    names: dict[int, str] = {k: v for k, v in db.session.execute(named)} if ids else {}
    for org, expires_on, fid in rows:
        state, days = state_of(expires_on, as_of, window_days)
        if state == "ok":
            continue
        titles = ("财务责任保证到期", "Financial responsibility expires")
        place = (fid, names.get(fid, ""), None, org)
        extra = {
            "url": f"/organizations/{org}/financial-responsibility",
            "uid_key": f"financial-{org}",
        }
        yield reminder(CODE, titles, place, (expires_on, state, days), SOURCE, extra)
