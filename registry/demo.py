"""Demo data that looks like the district: operators, stations, a depot, a key supervised unit."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.services import create_asset
from registry.auth.services import create_user
from registry.auth.services import find_user_by_email
from registry.compliance.models import ActivityRecord
from registry.compliance.services import activities_for_asset
from registry.core.creditcode import complete
from registry.core.dates import today
from registry.extensions import db
from registry.inspections.demo import load_demo_inspections
from registry.monitoring.demo import load_demo_monitoring
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.services import create_facility
from registry.sites.services import create_organization
from registry.visits.demo import load_demo_visits

DEMO_PASSWORDS: dict[str, tuple[str, str]] = {
    "regulator@demo.local": ("regulator", "regulator-demo"),
    "inspector@demo.local": ("inspector", "inspector-demo"),
    "viewer@demo.local": ("viewer", "viewer-demo"),
    "operator@demo.local": ("operator", "operator-demo"),
    "depot@demo.local": ("operator", "operator-demo"),
    "chem@demo.local": ("operator", "operator-demo"),
}

ORGS: list[dict[str, Any]] = [
    {
        "name": "北京京东能源销售有限公司",
        "credit_code": complete("91110101MA01ABC12"),
        "contact_name": "王建国",
        "contact_phone": "010-65001234",
        "contact_email": "safety@jd-energy.example.cn",
        "address": "北京市东城区东直门南大街5号",
        "operator": "operator@demo.local",
    },
    {
        "name": "北京燕京石油储运有限公司",
        "credit_code": complete("91110101600012345"),
        "contact_name": "李明",
        "contact_phone": "010-84002288",
        "contact_email": "hse@yanjing-oil.example.cn",
        "address": "北京市东城区永定门外大街101号",
        "operator": "depot@demo.local",
    },
    {
        "name": "北京东城精细化工有限公司",
        "credit_code": complete("91110101102030405"),
        "contact_name": "张丽华",
        "contact_phone": "010-67113399",
        "contact_email": "env@dc-chem.example.cn",
        "address": "北京市东城区龙潭路8号",
        "operator": "chem@demo.local",
    },
]

# (org index, name, kind, subdistrict, address, lat, lon, key_supervised)
FACILITIES = [
    (0, "东直门加油站", "gas_station", "东直门街道", "东直门外大街12号", 39.9405, 116.4330, False),
    (0, "北新桥加油站", "gas_station", "北新桥街道", "东四北大街360号", 39.9410, 116.4170, False),
    (
        0,
        "崇文门加油站",
        "gas_station",
        "崇文门外街道",
        "崇文门外大街40号",
        39.8960,
        116.4160,
        False,
    ),
    (0, "天坛东门加油站", "gas_station", "天坛街道", "天坛东路70号", 39.8790, 116.4240, False),
    (1, "永定门油库", "oil_depot", "永定门外街道", "永定门外大街101号", 39.8650, 116.4050, True),
    (
        2,
        "东城精细化工厂区",
        "key_supervised_unit",
        "龙潭街道",
        "龙潭路8号",
        39.8800,
        116.4380,
        True,
    ),
]

DOUBLE = {
    "wall": "double",
    "material": "frp",
    "anti_seepage": "double_wall",
    "corrosion_protection": "none",
    "leak_detection": ["interstitial", "atg"],
}
PIT = {
    "wall": "single",
    "material": "steel",
    "anti_seepage": "seepage_pit",
    "corrosion_protection": "coated",
    "leak_detection": ["observation_pipe", "atg"],
}
BARE = {
    "wall": "single",
    "material": "steel",
    "anti_seepage": "none",
    "corrosion_protection": "none",
    "leak_detection": ["manual_gauging"],
}

# per facility: list of (kind, ref, substance, installed, construction, extra)
ASSETS: list[list[tuple[str, str, str, date, dict[str, Any], dict[str, Any]]]] = [
    [
        (
            "tank",
            "T1",
            "gasoline",
            date(2018, 5, 10),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "92#"},
        ),
        (
            "tank",
            "T2",
            "gasoline",
            date(2018, 5, 10),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "95#"},
        ),
        (
            "tank",
            "T3",
            "diesel",
            date(2018, 5, 10),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "0#"},
        ),
        (
            "tank",
            "T4",
            "gasoline",
            date(2019, 3, 1),
            DOUBLE,
            {"capacity_litres": 20000, "substance_detail": "98#"},
        ),
        (
            "pipeline",
            "P1",
            "gasoline",
            date(2018, 5, 10),
            DOUBLE,
            {
                "piping_type": "pressurized",
                "length_m": 45,
                "diameter_mm": 50,
                "line_leak_detector": True,
                "from_point": "T1",
                "to_point": "加油机1-4",
            },
        ),
        (
            "pipeline",
            "P2",
            "diesel",
            date(2018, 5, 10),
            DOUBLE,
            {
                "piping_type": "pressurized",
                "length_m": 38,
                "diameter_mm": 50,
                "line_leak_detector": True,
                "from_point": "T3",
                "to_point": "加油机5-6",
            },
        ),
    ],
    [
        (
            "tank",
            "1#",
            "gasoline",
            date(2009, 8, 20),
            PIT,
            {"capacity_litres": 25000, "substance_detail": "92#"},
        ),
        (
            "tank",
            "2#",
            "gasoline",
            date(2009, 8, 20),
            PIT,
            {"capacity_litres": 25000, "substance_detail": "95#"},
        ),
        (
            "tank",
            "3#",
            "diesel",
            date(2009, 8, 20),
            PIT,
            {"capacity_litres": 25000, "substance_detail": "0#"},
        ),
        (
            "tank",
            "4#",
            "gasoline",
            date(2016, 6, 15),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "92#"},
        ),
        (
            "pipeline",
            "G1",
            "gasoline",
            date(2009, 8, 20),
            PIT,
            {
                "piping_type": "suction",
                "length_m": 30,
                "diameter_mm": 40,
                "from_point": "1#",
                "to_point": "加油机1",
            },
        ),
    ],
    [
        (
            "tank",
            "A",
            "gasoline",
            date(2004, 4, 1),
            BARE,
            {"capacity_litres": 20000, "substance_detail": "92#"},
        ),
        (
            "tank",
            "B",
            "diesel",
            date(2012, 9, 9),
            PIT,
            {"capacity_litres": 20000, "substance_detail": "0#"},
        ),
        (
            "tank",
            "C",
            "gasoline",
            date(2020, 11, 3),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "95#"},
        ),
    ],
    [
        (
            "tank",
            "01",
            "gasoline",
            date(2021, 7, 1),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "92#"},
        ),
        (
            "tank",
            "02",
            "ethanol_blend",
            date(2021, 7, 1),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "E10"},
        ),
        (
            "tank",
            "03",
            "diesel",
            date(2021, 7, 1),
            DOUBLE,
            {"capacity_litres": 30000, "substance_detail": "0#"},
        ),
        (
            "pipeline",
            "L1",
            "gasoline",
            date(2021, 7, 1),
            DOUBLE,
            {
                "piping_type": "pressurized",
                "length_m": 52,
                "diameter_mm": 50,
                "line_leak_detector": True,
            },
        ),
    ],
    [
        (
            "tank",
            "D-101",
            "diesel",
            date(2010, 3, 15),
            PIT,
            {"capacity_litres": 50000, "compartments": 1},
        ),
        ("tank", "D-102", "diesel", date(2010, 3, 15), PIT, {"capacity_litres": 50000}),
        (
            "tank",
            "K-201",
            "kerosene",
            date(2015, 10, 8),
            DOUBLE,
            {"capacity_litres": 50000, "substance_detail": "3#喷气燃料"},
        ),
        (
            "pipeline",
            "DL-1",
            "diesel",
            date(2010, 3, 15),
            PIT,
            {
                "piping_type": "gravity",
                "length_m": 120,
                "diameter_mm": 100,
                "from_point": "D-101",
                "to_point": "装车台",
            },
        ),
        (
            "pipeline",
            "KL-1",
            "kerosene",
            date(2015, 10, 8),
            DOUBLE,
            {
                "piping_type": "pressurized",
                "length_m": 150,
                "diameter_mm": 80,
                "line_leak_detector": True,
            },
        ),
    ],
    [
        (
            "tank",
            "CT-1",
            "hazardous_chemical",
            date(2013, 5, 20),
            DOUBLE,
            {"capacity_litres": 15000, "substance_detail": "甲苯 (CAS 108-88-3)"},
        ),
        (
            "tank",
            "CT-2",
            "hazardous_chemical",
            date(2013, 5, 20),
            PIT,
            {"capacity_litres": 15000, "substance_detail": "二甲苯 (CAS 1330-20-7)"},
        ),
        ("tank", "WO-1", "waste_oil", date(2017, 2, 14), DOUBLE, {"capacity_litres": 8000}),
        (
            "pipeline",
            "CL-1",
            "hazardous_chemical",
            date(2013, 5, 20),
            DOUBLE,
            {
                "piping_type": "pressurized",
                "length_m": 60,
                "diameter_mm": 50,
                "line_leak_detector": False,
            },
        ),
        (
            "pipeline",
            "CL-2",
            "hazardous_chemical",
            date(2013, 5, 20),
            PIT,
            {"piping_type": "suction", "length_m": 25, "diameter_mm": 40},
        ),
    ],
]


def _user(email: str, org: Organization | None = None, name: str | None = None) -> None:
    if find_user_by_email(email) is None:
        role, password = DEMO_PASSWORDS[email]
        create_user(email=email, password=password, role=role, organization=org, name=name)


def load_demo() -> bool:
    """Create the demo registry unless it is there already; return whether it was created."""
    first = ORGS[0]["credit_code"]
    if db.session.scalar(select(Organization.id).where(Organization.credit_code == first)):
        return False
    orgs = []
    for spec in ORGS:
        data = {k: v for k, v in spec.items() if k != "operator"}
        org = create_organization(data)
        orgs.append(org)
        _user(spec["operator"], org, spec["contact_name"])
    _user("regulator@demo.local", name="赵监管")
    _user("inspector@demo.local", name="钱检查")
    _user("viewer@demo.local", name="孙规划")
    created: list[int] = []
    for (org_i, name, kind, sub, addr, lat, lon, key), assets in zip(
        FACILITIES, ASSETS, strict=True
    ):
        facility = create_facility(
            {
                "organization_id": orgs[org_i].id,
                "name": name,
                "kind": kind,
                "subdistrict": sub,
                "address": "北京市东城区" + addr,
                "latitude": lat,
                "longitude": lon,
                "key_supervised": key,
                "status": "active",
            },
            by=None,
        )
        for kind_, ref, substance, installed, construction, extra in assets:
            asset = create_asset(
                {
                    "facility_id": facility.id,
                    "kind": kind_,
                    "operator_ref": ref,
                    "substance": substance,
                    "installed_on": installed,
                    "status": "in_service",
                    **construction,
                    **extra,
                },
                by=None,
            )
            created.append(asset.id)

    load_demo_inspections(created)
    _demo_records()
    load_demo_visits()

    load_demo_monitoring()
    _demo_release()
    return True


def _demo_release() -> None:
    """Confirm the release that the depot's TPH exceedance opened: the public list shows it."""
    from registry.core.types import utcnow
    from registry.releases.services import confirm
    from registry.releases.services import open_release_at

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
