"""GET /api/v1/map/features: layers, the box, the scope, the properties."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

from registry.enforcement.services import place_red_tag
from registry.monitoring.services import create_point
from registry.releases import services as releases

URL = "/api/v1/map/features"


@pytest.fixture
def headers(world: dict[str, Any], api_headers: Any) -> Any:
    return lambda role: api_headers(world["users"][role]) | {"Accept-Language": "en"}


def _ids(body: dict[str, Any], layer: str) -> set[int]:
    return {f["properties"]["id"] for f in body["features"] if f["properties"]["layer"] == layer}


def _facility(body: dict[str, Any], facility_id: int) -> dict[str, Any]:
    layer = [f for f in body["features"] if f["properties"]["layer"] == "facilities"]
    return next(f for f in layer if f["properties"]["id"] == facility_id)


def test_a_facility_feature_carries_the_contract_properties(
    client: Any, world: Any, headers: Any
) -> None:
    r = client.get(URL, query_string={"layers": "facilities"}, headers=headers("regulator"))
    assert r.status_code == 200
    assert r.json["type"] == "FeatureCollection"
    fac = world["fac_b"]
    feature = _facility(r.json, fac.id)
    assert feature["geometry"] == {"type": "Point", "coordinates": [fac.longitude, fac.latitude]}
    props = feature["properties"]
    assert props["name"] == fac.name
    # The world's tanks were installed in 2020 with no records: overdue.
    assert props["state"] == "overdue"
    assert (props["red_tagged"], props["open_release"], props["near_receptor"]) == (
        False,
        False,
        False,
    )
    assert props["nearest_receptor_m"] is None
    # The world opened releases at organization A's facility.
    assert _facility(r.json, world["fac_a"].id)["properties"]["open_release"] is True


def test_red_tags_releases_points_and_receptors(
    client: Any, world: Any, headers: Any, db: Any, make_facility: Any, make_asset: Any
) -> None:
    regulator = world["users"]["regulator"]
    fac = make_facility(world["org_a"], latitude=39.95, longitude=116.44)
    place_red_tag(make_asset(fac), reason="渗漏", placed_by=regulator)
    discovered = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    release = releases.open_release(
        fac, {"discovered_at": discovered, "description": "Suspected leak"}
    )
    point = create_point(fac, created_by=regulator, name="MW-1", kind="groundwater")
    db.session.commit()
    receptor = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [116.44, 39.9505]},
        "properties": {"kind": "school", "name": "一小"},
    }
    r = client.post("/api/v1/receptors", json=receptor, headers=headers("regulator"))
    assert r.status_code == 201
    box = {"bbox": "116.435,39.945,116.445,39.955"}
    r = client.get(URL, query_string=box, headers=headers("inspector"))
    assert _ids(r.json, "facilities") == {fac.id}
    props = _facility(r.json, fac.id)["properties"]
    assert (props["red_tagged"], props["open_release"], props["near_receptor"]) == (
        True,
        True,
        True,
    )
    assert props["nearest_receptor_m"] == pytest.approx(55.5, abs=0.5)
    assert _ids(r.json, "releases") == {release.id}
    assert _ids(r.json, "points") == {point.id}
    assert len(_ids(r.json, "receptors")) == 1
    # The layers asked for, and only those.
    r = client.get(URL, query_string=box | {"layers": "receptors"}, headers=headers("inspector"))
    assert {f["properties"]["layer"] for f in r.json["features"]} == {"receptors"}


def test_the_box_selects(client: Any, world: Any, headers: Any, make_facility: Any) -> None:
    west = make_facility(world["org_a"], latitude=39.90, longitude=116.38)
    h = headers("viewer")
    r = client.get(URL, query_string={"bbox": "116.37,39.89,116.39,39.91"}, headers=h)
    assert _ids(r.json, "facilities") == {west.id}
    r = client.get(URL, query_string={"bbox": "116.42,39.93,116.44,39.95"}, headers=h)
    assert _ids(r.json, "facilities") == {world["fac_a"].id, world["fac_b"].id}


def test_operators_see_their_own_only(client: Any, world: Any, headers: Any) -> None:
    r = client.get(URL, headers=headers("operator_a"))
    assert r.status_code == 200
    assert _ids(r.json, "facilities") == {world["fac_a"].id}
    r = client.get(URL, headers=headers("inspector"))
    assert _ids(r.json, "facilities") >= {world["fac_a"].id, world["fac_b"].id}
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "116.5,39.8,116.3,40"},
        {"bbox": "116.3,39.8,116.5"},
        {"bbox": "a,b,c,d"},
        {"bbox": "116.3,39.8,190,40"},
        {"bbox": "nan,39.8,116.5,40"},
        {"bbox": "1e1,39.8,116.5,40"},
        {"bbox": ""},
        {"layers": "facilities,roads"},
        {"layers": ""},
    ],
)
def test_malformed_queries_answer_422(client: Any, world: Any, headers: Any, query: Any) -> None:
    r = client.get(URL, query_string=query, headers=headers("regulator"))
    assert r.status_code == 422
    assert set(r.json["errors"]) <= {"bbox", "layers", "json"}


def test_a_point_counts_its_own_open_alerts(
    client: Any, world: Any, headers: Any, db: Any, make_facility: Any
) -> None:
    from datetime import date

    from registry.monitoring.services import add_reading

    regulator = world["users"]["regulator"]
    inside = make_facility(world["org_a"], latitude=39.95, longitude=116.44)
    outside = make_facility(world["org_a"], latitude=39.90, longitude=116.40)
    points = {}
    for fac, name in ((inside, "MW-in"), (outside, "MW-out")):
        points[name] = create_point(
            fac, created_by=regulator, name=name, kind="groundwater_well"
        )
        # Above the benzene screening value (0.01 mg/L): an open exceedance each.
        add_reading(
            points[name],
            entered_by=None,
            parameter="benzene",
            value=0.5,
            unit="mg/L",
            sampled_on=date(2026, 1, 5),
        )
    db.session.commit()
    box = {"bbox": "116.435,39.945,116.445,39.955", "layers": "points"}
    r = client.get(URL, query_string=box, headers=headers("inspector"))
    features = [f["properties"] for f in r.json["features"]]
    assert [(p["id"], p["open_alerts"]) for p in features] == [(points["MW-in"].id, 1)]
