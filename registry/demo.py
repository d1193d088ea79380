"""Demo data that looks like the district: operators, stations, a depot, a key supervised unit."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.services import create_asset
from registry.auth.services import create_user
from registry.auth.services import find_user_by_email
from registry.compliance.models import ActivityRecord
from registry.compliance.services import activities_for_asset
from registry.core.dates import today
from registry.core.types import utcnow
from registry.extensions import db
from registry.inspections.demo import load_demo_inspections
from registry.monitoring.demo import load_demo_monitoring
from registry.releases.services import confirm
from registry.releases.services import open_release_at
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.services import create_facility
from registry.sites.services import create_organization
from registry.visits.demo import load_demo_visits

DATA = tomllib.loads((Path(__file__).parent / "demo.toml").read_text(encoding="utf-8"))
DEMO_PASSWORDS: dict[str, tuple[str, str]] = {
    email: (role, password) for email, (role, password) in DATA["passwords"].items()
}


def _user(email: str, org: Organization | None = None, name: str | None = None) -> None:
    if find_user_by_email(email) is None:
        role, password = DEMO_PASSWORDS[email]
        create_user(email=email, password=password, role=role, organization=org, name=name)


def load_demo() -> bool:
    """Create the demo registry unless it is there already; return whether it was created."""
    first = DATA["organizations"][0]["credit_code"]
    if db.session.scalar(select(Organization.id).where(Organization.credit_code == first)):
        return False
    orgs = []
    for spec in DATA["organizations"]:
        org = create_organization({k: v for k, v in spec.items() if k != "operator"})
        orgs.append(org)
        _user(spec["operator"], org, spec["contact_name"])
    _user("regulator@demo.local", name="赵监管")
    _user("inspector@demo.local", name="钱检查")
    _user("viewer@demo.local", name="孙规划")
    created: list[int] = []
    for spec in DATA["facilities"]:
        created += _demo_facility(spec, orgs[spec["organization"]])

    load_demo_inspections(created)
    _demo_records()
    load_demo_visits()

    load_demo_monitoring()
    _demo_release()
    return True


def _demo_facility(spec: dict[str, Any], org: Organization) -> list[int]:
    """Register one facility of the demo file and its assets; return the assets' ids."""
    fields = {k: v for k, v in spec.items() if k not in ("organization", "assets")}
    facility = create_facility(
        fields
        | {
            "organization_id": org.id,
            "address": "北京市东城区" + spec["address"],
            "status": "active",
        },
        by=None,
    )
    ids = []
    for item in spec["assets"]:
        construction = DATA["constructions"][item["construction"]]
        data = {k: v for k, v in item.items() if k != "construction"}
        data |= {"facility_id": facility.id, "status": "in_service", **construction}
        ids.append(create_asset(data, by=None).id)
    return ids


def _demo_release() -> None:
    """Confirm the release that the depot's TPH exceedance opened: the public list shows it."""
    depot = db.session.scalar(select(Facility).where(Facility.name == "永定门油库"))
    release = open_release_at(depot.id) if depot is not None else None
    if release is not None:
        confirm(release, confirmed_at=utcnow(), by=None, media=["groundwater"], free_product=False)


def _demo_records() -> None:
    """Record recent checks so that the demo shows ok, due-soon and overdue items."""

    # Days ago per asset in turn: 5 → ok, 20 → due soon (30-day checks), 45 → overdue.
    ages = (5, 20, 45)
    for i, asset in enumerate(db.session.scalars(select(Asset).order_by(Asset.id))):
        for activity in activities_for_asset(asset):
            db.session.add(
                ActivityRecord(
                    asset_id=asset.id,
                    facility_id=asset.facility_id,
                    activity=activity.code,
                    performed_on=today() - timedelta(days=ages[i % 3]),
                    result="pass",
                    performed_by="演示数据",
                )
            )
    db.session.flush()
