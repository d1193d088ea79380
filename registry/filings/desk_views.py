"""The regulator's desk: every data-quality problem, and the dashboard of counts."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.auth import policy
from registry.core.converters import id_arg
from registry.core.errors import Forbidden
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.templating import add_nav_item
from registry.enforcement.services import count_open
from registry.extensions import db
from registry.filings import quality
from registry.filings.blueprint import bp
from registry.filings.models import Filing
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.services import subdistricts

DASHBOARD_ROLES = ("regulator", "viewer")

add_nav_item("filings.dashboard", _l("Dashboard"), lambda user: user.role in DASHBOARD_ROLES)
add_nav_item("filings.quality_list", _l("Data quality"))


@bp.get("/quality")
@login_required
def quality_list() -> Any:
    """List every data-quality problem, filtered by check, subdistrict, organization, kind."""
    filters: dict[str, Any] = {
        k: request.args.get(k) or None
        for k in ("code", "subdistrict", "organization_id", "facility_kind", "facility_id")
    }
    if filters["code"] not in quality.CHECKS:
        filters["code"] = None
    for key in ("organization_id", "facility_id"):
        filters[key] = id_arg(request.args, key)
    page, size = page_args(request.args)
    result = paginate(
        quality.problems_query(current_user, filters), page=page, page_size=size, scalars=False
    )
    organizations = db.session.scalars(
        policy.scope(select(Organization), current_user, Organization.id).order_by(
            Organization.name
        )
    )
    return render_template(
        "filings/quality.html",
        page=result,
        filters=filters,
        codes=quality.active_codes(),
        subdistricts=subdistricts(),
        organizations=list(organizations),
    )


def _count_by(*columns: Any) -> list[Any]:
    return list(db.session.execute(select(*columns, func.count()).group_by(*columns)))


def dashboard_counts() -> dict[str, Any]:
    """Count what a bureau wants at a glance, one grouped query per figure."""
    by_status = {s: n for s, n in _count_by(Asset.status)}
    construction = [
        {"kind": kind, "wall": wall, "count": n}
        for kind, wall, n in sorted(
            _count_by(Asset.kind, Asset.wall), key=lambda r: (r[0], r[1] or "~")
        )
    ]
    waiting = db.session.scalar(
        select(func.count()).select_from(Filing).where(Filing.status == "submitted")
    )
    facilities = db.session.scalar(
        select(func.count()).select_from(Facility).where(Facility.status == "active")
    )
    return {
        "assets_total": sum(by_status.values()),
        "by_status": by_status,
        "construction": construction,
        "problems": quality.count_by_code(current_user),
        "red_tags": count_open(current_user),
        "filings_waiting": waiting or 0,
        "facilities": facilities or 0,
    }


@bp.get("/dashboard")
@login_required
def dashboard() -> Any:
    """Show the bureau's counts at a glance, each linked to the list behind it."""
    if current_user.role not in DASHBOARD_ROLES:
        raise Forbidden("forbidden")
    return render_template("filings/dashboard.html", counts=dashboard_counts())
