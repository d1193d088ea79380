"""Organizations, facilities and assets over the API: validation, conflicts, lists, paging."""

from __future__ import annotations

import json
from datetime import date
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.models import AuditEvent
from registry.core.creditcode import complete
from registry.sites.models import Facility
from registry.sites.models import Organization

EN = {"Accept-Language": "en"}


def _count(db: Any, model: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def regulator(world: dict[str, Any], api_headers: Any) -> dict[str, str]:
    return api_headers(world["users"]["regulator"]) | EN


def test_organization_validation_messages_per_field(
    client: Any, regulator: dict[str, str], db: Any
) -> None:
    good = complete("91110101MA01XYW12")
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    before = _count(db, Organization), _count(db, AuditEvent)
    r = client.post(
        "/api/v1/organizations",
        json={"name": "", "credit_code": wrong, "contact_email": "nope", "color": "red"},
        headers=regulator,
    )
    assert r.status_code == 422
    errors = r.json["errors"]["json"]
    assert set(errors) == {"name", "credit_code", "contact_email", "color"}
    assert "GB 32100" in errors["credit_code"][0]
    assert errors["color"] == ["Unknown field."]
    assert (_count(db, Organization), _count(db, AuditEvent)) == before


def test_facility_validation_messages_per_field(
    client: Any, world: dict[str, Any], regulator: dict[str, str], db: Any
) -> None:
    before = _count(db, Facility)
    r = client.post(
        "/api/v1/facilities",
        json={
            "organization_id": world["org_a"].id,
            "name": "新站",
            "kind": "Gas_Station",
            "latitude": 91,
            "longitude": 200,
            "status": "open",
        },
        headers=regulator,
    )
    assert r.status_code == 422
    errors = r.json["errors"]["json"]
    assert set(errors) == {"kind", "latitude", "longitude", "status"}
    assert errors["kind"][0].startswith("Must be one of")
    assert _count(db, Facility) == before
    r = client.post(
        "/api/v1/facilities",
        json={"organization_id": 999999, "name": "新站", "kind": "gas_station"},
        headers=regulator,
    )
    # an id in an API body that does not exist (or that the caller cannot see) answers 404,
    # as a facility_id does on the assets API
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"substance": "petrol"}, "substance"),
        ({"wall": "triple"}, "wall"),
        ({"leak_detection": ["atg", "sonar"]}, "leak_detection"),
        ({"leak_detection": ["atg", "atg"]}, "leak_detection"),
        ({"capacity_litres": 0}, "capacity_litres"),
        ({"capacity_litres": -1}, "capacity_litres"),
        ({"compartments": 0}, "compartments"),
        ({"installed_on": "tomorrow"}, "installed_on"),
        ({"installed_on": (date.today() + timedelta(days=2)).isoformat()}, "installed_on"),
        ({"installed_on": "2020-05-01", "closed_on": "2020-04-30"}, "closed_on"),
        ({"length_m": 3}, "length_m"),
        ({"tag": "AAAA-BBBB-CCCC"}, "tag"),
        ({"red_tagged": True}, "red_tagged"),
    ],
)
def test_asset_validation_rules(
    client: Any,
    world: dict[str, Any],
    regulator: dict[str, str],
    db: Any,
    changes: dict[str, Any],
    field: str,
) -> None:
    body = {"facility_id": world["fac_a"].id, "kind": "tank", "substance": "diesel"} | changes
    before = _count(db, Asset)
    r = client.post("/api/v1/assets", json=body, headers=regulator)
    assert r.status_code == 422, r.json
    errors = r.json["errors"]["json"]
    assert list(errors) == [field] and errors[field], errors
    assert _count(db, Asset) == before


def test_pipeline_lengths_must_be_positive(
    client: Any, world: dict[str, Any], regulator: dict[str, str]
) -> None:
    body = {
        "facility_id": world["fac_a"].id,
        "kind": "pipeline",
        "substance": "diesel",
        "length_m": -3,
        "diameter_mm": 0,
        "piping_type": "siphon",
    }
    r = client.post("/api/v1/assets", json=body, headers=regulator)
    assert r.status_code == 422
    assert set(r.json["errors"]["json"]) == {"length_m", "diameter_mm", "piping_type"}


@pytest.mark.parametrize("resource", ["organizations", "facilities", "assets"])
def test_patch_with_stale_version_answers_409_with_current_version(
    client: Any, world: dict[str, Any], regulator: dict[str, str], resource: str
) -> None:
    row = {"organizations": "org_a", "facilities": "fac_a", "assets": "tank_a"}[resource]
    url = f"/api/v1/{resource}/{world[row].id}"
    first = client.get(url, headers=regulator).json
    version = first["version"]
    r = client.patch(
        url,
        json={"version": version, "address" if resource != "assets" else "operator_ref": "甲"},
        headers=regulator,
    )
    assert r.status_code == 200 and r.json["version"] == version + 1
    r = client.patch(
        url,
        json={"version": version, "name" if resource != "assets" else "operator_ref": "乙"},
        headers=regulator,
    )
    assert r.status_code == 409
    assert r.json["current_version"] == version + 1
    r = client.patch(
        url, json={"operator_ref" if resource == "assets" else "name": "丙"}, headers=regulator
    )
    assert r.status_code == 422 and "version" in r.json["errors"]["json"]


def test_patch_validates_like_create(
    client: Any, world: dict[str, Any], regulator: dict[str, str]
) -> None:
    a = world["tank_a"]
    r = client.patch(
        f"/api/v1/assets/{a.id}",
        json={"version": a.version, "kind": "pipeline", "capacity_litres": -1},
        headers=regulator,
    )
    assert r.status_code == 422
    r = client.patch(
        f"/api/v1/organizations/{world['org_a'].id}",
        json={"version": world["org_a"].version, "credit_code": "123"},
        headers=regulator,
    )
    assert r.status_code == 422 and "credit_code" in r.json["errors"]["json"]


def _pagination(resp: Any) -> dict[str, Any]:
    return dict(json.loads(resp.headers["X-Pagination"]))


def test_lists_are_paginated_with_the_header(
    client: Any,
    make_org: Any,
    make_facility: Any,
    make_asset: Any,
    make_user: Any,
    api_headers: Any,
) -> None:
    org = make_org()
    facility = make_facility(org)
    for _ in range(4):
        make_asset(facility)
    h = api_headers(make_user("viewer"))
    r = client.get("/api/v1/assets?page_size=3&page=2", headers=h)
    assert r.status_code == 200 and len(r.json) == 1
    p = _pagination(r)
    assert p["total"] == 4 and p["total_pages"] == 2 and p["page"] == 2 and p["first_page"] == 1
    r = client.get("/api/v1/assets?page_size=100", headers=h)
    assert r.status_code == 200 and len(r.json) == 4
    assert client.get("/api/v1/assets?page_size=101", headers=h).status_code == 422
    assert client.get("/api/v1/assets?page=0", headers=h).status_code == 422
    for url in ("/api/v1/organizations", "/api/v1/facilities"):
        r = client.get(f"{url}?page_size=1", headers=h)
        assert r.status_code == 200 and len(r.json) == 1 and _pagination(r)["total"] >= 1
        assert client.get(f"{url}?page_size=500", headers=h).status_code == 422


def test_list_filters(
    client: Any,
    make_org: Any,
    make_facility: Any,
    make_asset: Any,
    make_user: Any,
    api_headers: Any,
) -> None:
    org = make_org(name="京东能源")
    station = make_facility(org, name="东直门加油站", subdistrict="东直门街道")
    depot = make_facility(
        make_org(name="燕京储运"),
        name="永定门油库",
        kind="oil_depot",
        subdistrict="永定门外街道",
        status="closed",
    )
    tank = make_asset(station)
    pipe = make_asset(station, kind="pipeline")
    closed = make_asset(depot, status="permanently_closed")
    h = api_headers(make_user("viewer"))

    def ids(url: str) -> set[int]:
        r = client.get(url, headers=h)
        assert r.status_code == 200, r.json
        return {row["id"] for row in r.json}

    assert ids("/api/v1/assets?kind=pipeline") == {pipe.id}
    assert ids("/api/v1/assets?status=permanently_closed") == {closed.id}
    assert ids("/api/v1/assets?subdistrict=东直门街道") == {tank.id, pipe.id}
    assert ids("/api/v1/assets?facility_kind=oil_depot") == {closed.id}
    assert ids(f"/api/v1/assets?q={tank.tag}") == {tank.id}
    assert ids(f"/api/v1/assets?organization_id={org.id}") == {tank.id, pipe.id}
    assert ids("/api/v1/facilities?kind=oil_depot") == {depot.id}
    assert ids("/api/v1/facilities?status=closed") == {depot.id}
    assert ids("/api/v1/facilities?subdistrict=东直门街道") == {station.id}
    assert ids("/api/v1/facilities?q=燕京") == {depot.id}
    assert ids(f"/api/v1/organizations?q={org.credit_code}") == {org.id}
    assert ids("/api/v1/organizations?q=燕京") == {depot.organization_id}
    r = client.get("/api/v1/assets?kind=boat", headers=h)
    assert r.status_code == 422 and "kind" in r.json["errors"]["query"]
