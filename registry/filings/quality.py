"""Data-quality checks: each a stable code, a translated message and one SQL query.

Every check selects the rows it flags for all assets (or facilities) at once; the lists,
pages and filings narrow the union of the checks with filters instead of looping per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import Text
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import null
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all

from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.auth import policy
from registry.extensions import db
from registry.lifecycle.quality import rows_without_notice
from registry.people.financial import insufficient_rows
from registry.sites.models import Facility
from registry.sites.models import Organization


@dataclass(frozen=True)
class Check:
    code: str
    message: Any  # a lazy string: translated when shown
    scope: str  # "asset" or "facility"
    rows: Callable[[], Select[Any] | None]  # select(code, asset_id, facility_id), or None: off


def _assets(model: Any, code: str, *conditions: Any) -> Select[Any]:
    """Select the flagged assets of `model` (Asset, Tank or Pipeline) that are not retired."""
    stmt: Select[Any] = select(
        literal(code).label("code"),
        model.id.label("asset_id"),
        model.facility_id.label("facility_id"),
    )
    return stmt.where(model.status != "permanently_closed", *conditions)


def _facilities(code: str, *conditions: Any) -> Select[Any]:
    """Select the flagged facilities that are active."""
    columns: list[Any] = [
        literal(code).label("code"),
        cast(null(), Integer).label("asset_id"),
        Facility.id.label("facility_id"),
    ]
    return select(*columns).where(Facility.status == "active", *conditions)


def _no_leak_detection() -> Select[Any]:
    # A JSON list compared as text: portable across SQLite and PostgreSQL's json type.
    empty = or_(
        Asset.leak_detection.is_(None), cast(Asset.leak_detection, Text).in_(("[]", "null"))
    )
    return _assets(Asset, "no_leak_detection", Asset.status == "in_service", empty)


def _no_line_leak_detector() -> Select[Any] | None:
    if current_app.config.get("RULE_PACK") != "us-epa-280":
        return None
    return _assets(
        Pipeline,
        "no_line_leak_detector",
        Pipeline.piping_type == "pressurized",
        or_(Pipeline.line_leak_detector.is_(None), Pipeline.line_leak_detector.is_(False)),
    )


def _outside_district() -> Select[Any]:
    b = current_app.config["DISTRICT_BOUNDS"]
    inside = and_(
        Facility.latitude.between(b.min_lat, b.max_lat),
        Facility.longitude.between(b.min_lon, b.max_lon),
    )
    return _facilities(
        "outside_district",
        Facility.latitude.is_not(None),
        Facility.longitude.is_not(None),
        ~inside,
    )


CHECKS: dict[str, Check] = {
    c.code: c
    for c in (
        Check(
            "missing_installed_on",
            _l("In service, but the installation date is missing."),
            "asset",
            lambda: _assets(
                Asset,
                "missing_installed_on",
                Asset.status == "in_service",
                Asset.installed_on.is_(None),
            ),
        ),
        Check(
            "single_wall_no_pit",
            _l(
                "Single-walled tank with neither a seepage pit nor a double wall (GB 50156, 6.5.2)."
            ),
            "asset",
            lambda: _assets(
                Tank,
                "single_wall_no_pit",
                Tank.wall == "single",
                or_(
                    Tank.anti_seepage.is_(None),
                    Tank.anti_seepage.not_in(("seepage_pit", "double_wall")),
                ),
            ),
        ),
        Check(
            "no_leak_detection",
            _l("In service, but no leak-detection method is recorded."),
            "asset",
            _no_leak_detection,
        ),
        Check(
            "no_line_leak_detector",
            _l("Pressurized piping without an automatic line leak detector (40 CFR 280.41(b))."),
            "asset",
            _no_line_leak_detector,
        ),
        Check(
            "steel_unprotected",
            _l("Steel without corrosion protection."),
            "asset",
            lambda: _assets(
                Asset,
                "steel_unprotected",
                Asset.material == "steel",
                or_(Asset.corrosion_protection.is_(None), Asset.corrosion_protection == "none"),
            ),
        ),
        Check(
            "missing_capacity",
            _l("The tank's capacity is missing."),
            "asset",
            lambda: _assets(Tank, "missing_capacity", Tank.capacity_litres.is_(None)),
        ),
        Check(
            "closure_without_notice",
            _l("Permanently closed without the notice due before the closure."),
            "asset",
            lambda: rows_without_notice("closure_without_notice", "status"),
        ),
        Check(
            "substance_change_without_notice",
            _l("Switched to this substance without the notice due before the change."),
            "asset",
            lambda: rows_without_notice("substance_change_without_notice", "substance"),
        ),
        Check(
            "financial_responsibility_insufficient",
            _l("The owner's financial responsibility falls short of the amounts required."),
            "facility",
            insufficient_rows,
        ),
        Check(
            "missing_coordinates",
            _l("The facility's coordinates are missing."),
            "facility",
            lambda: _facilities(
                "missing_coordinates",
                or_(Facility.latitude.is_(None), Facility.longitude.is_(None)),
            ),
        ),
        Check(
            "outside_district",
            _l("The facility's coordinates lie outside the district."),
            "facility",
            _outside_district,
        ),
    )
}


@dataclass(frozen=True)
class Problem:
    code: str
    asset_id: int | None
    facility_id: int

    @property
    def message(self) -> str:
        return message(self.code)

    @property
    def scope(self) -> str:
        return "asset" if self.asset_id is not None else "facility"


def message(code: str) -> str:
    """Return the translated message of a check code."""
    check = CHECKS.get(code)
    return str(check.message) if check else code


def active_codes() -> list[str]:
    """Return the codes of the checks that apply under the configured rule pack."""
    return [code for code, check in CHECKS.items() if check.rows() is not None]


def problems_union(codes: list[str] | None = None) -> Any:
    """Return a subquery (code, asset_id, facility_id) of every problem of the chosen checks."""
    selects = [
        stmt
        for code, check in CHECKS.items()
        if (codes is None or code in codes) and (stmt := check.rows()) is not None
    ]
    if not selects:
        selects = [_facilities("none", literal(False))]
    return union_all(*selects).subquery("problem")


def problems_query(user: Any, filters: dict[str, Any]) -> Select[Any]:
    """Select the problems the user may see: code, asset, facility, organization, filtered."""
    code = filters.get("code")
    sub = problems_union([code] if code else None)
    stmt = (
        select(
            sub.c.code,
            sub.c.asset_id,
            sub.c.facility_id,
            Facility.name.label("facility_name"),
            Facility.subdistrict,
            Organization.id.label("organization_id"),
            Organization.name.label("organization_name"),
            Asset.tag,
            Asset.kind,
            Asset.operator_ref,
        )
        .join(Facility, Facility.id == sub.c.facility_id)
        .join(Organization, Organization.id == Facility.organization_id)
        .outerjoin(Asset, Asset.id == sub.c.asset_id)
    )
    stmt = policy.scope(stmt, user, Facility.organization_id)
    for key, column in (
        ("subdistrict", Facility.subdistrict),
        ("organization_id", Facility.organization_id),
        ("facility_kind", Facility.kind),
        ("facility_id", Facility.id),
    ):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(column == filters[key])
    return stmt.order_by(Organization.name, Facility.name, sub.c.asset_id, sub.c.code)


def asset_problems(asset: Asset) -> list[Problem]:
    """Return the problems of one asset, and those of its facility, in one query."""
    sub = problems_union()
    stmt = (
        select(sub.c.code, sub.c.asset_id, sub.c.facility_id)
        .where(
            or_(
                sub.c.asset_id == asset.id,
                and_(sub.c.asset_id.is_(None), sub.c.facility_id == asset.facility_id),
            )
        )
        .order_by(sub.c.asset_id.is_(None), sub.c.code)
    )
    return [Problem(c, a, f) for c, a, f in db.session.execute(stmt)]


def facility_problems(facility_id: int) -> list[Problem]:
    """Return the problems of a facility and of all its assets, in one query."""
    sub = problems_union()
    stmt = (
        select(sub.c.code, sub.c.asset_id, sub.c.facility_id)
        .where(sub.c.facility_id == facility_id)
        .order_by(sub.c.asset_id.is_not(None), sub.c.asset_id, sub.c.code)
    )
    return [Problem(c, a, f) for c, a, f in db.session.execute(stmt)]


def count_by_code(user: Any) -> dict[str, int]:
    """Count the problems the user may see per check code, in one query."""
    sub = problems_union()
    stmt = (
        select(sub.c.code, func.count())
        .join(Facility, Facility.id == sub.c.facility_id)
        .group_by(sub.c.code)
    )
    stmt = policy.scope(stmt, user, Facility.organization_id)
    counts = {code: 0 for code in active_codes()}
    counts.update({code: n for code, n in db.session.execute(stmt)})
    return counts
