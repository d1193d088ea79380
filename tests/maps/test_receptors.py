"""Receptors: GeoJSON in, validation, roles, and how near facilities lie to them."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pyproj import Geod

from registry.receptors import geometry as geo
from registry.receptors.models import Receptor

EN = {"Accept-Language": "en"}
SQUARE = [[[116.40, 39.91], [116.41, 39.91], [116.41, 39.92], [116.40, 39.92], [116.40, 39.91]]]


def feature(kind: str = "school", geometry: Any = None, name: str = "第一小学") -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry or {"type": "Point", "coordinates": [116.404, 39.915]},
        "properties": {"kind": kind, "name": name},
    }


@pytest.fixture
def regulator(world: dict[str, Any], api_headers: Any) -> dict[str, str]:
    return api_headers(world["users"]["regulator"]) | EN


def test_geodesic_distance_matches_a_published_reference() -> None:
    # pyproj's documented WGS-84 example (Geod.line_lengths): from (74 W, 72.9 S) to
    # (102 W, 71.9 S) is 943,065.744 m, and on along the meridian to 74.9 S 334,805.010 m.
    d = geo.distance_m(-74, -72.9, {"type": "Point", "coordinates": [-102, -71.9]})
    assert d == pytest.approx(943065.744, abs=0.001)
    d = geo.distance_m(-102, -71.9, {"type": "Point", "coordinates": [-102, -74.9]})
    assert d == pytest.approx(334805.010, abs=0.001)


def test_distance_to_a_polygon_is_zero_inside_and_to_the_edge_outside() -> None:
    square = {"type": "Polygon", "coordinates": SQUARE}
    assert geo.distance_m(116.405, 39.915, square) == 0.0
    # North of the top edge: the geodesic to the edge's nearest point, (116.405, 39.92).
    expected = Geod(ellps="WGS84").inv(116.405, 39.93, 116.405, 39.92)[2]
    assert geo.distance_m(116.405, 39.93, square) == pytest.approx(expected, abs=0.5)
    # Beyond a corner: the distance to the corner.
    corner = Geod(ellps="WGS84").inv(116.42, 39.93, 116.41, 39.92)[2]
    assert geo.distance_m(116.42, 39.93, square) == pytest.approx(corner, abs=0.5)
    # A hole is outside.
    hole = [[116.404, 39.914], [116.406, 39.914], [116.406, 39.916], [116.404, 39.914]]
    holed = {"type": "Polygon", "coordinates": [*SQUARE, hole]}
    assert geo.distance_m(116.4055, 39.9145, holed) > 0


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [116.4, 39.9]},
        {"type": "Polygon", "coordinates": SQUARE},
        {"type": "MultiPolygon", "coordinates": [SQUARE]},
    ],
)
def test_regulator_adds_a_feature(client: Any, regulator: Any, db: Any, geometry: Any) -> None:
    r = client.post("/api/v1/receptors", json=feature(geometry=geometry), headers=regulator)
    assert r.status_code == 201, r.json
    assert r.json["type"] == "Feature"
    assert r.json["geometry"] == geometry
    assert r.json["properties"]["kind"] == "school"
    listed = client.get("/api/v1/receptors", headers=regulator)
    assert listed.status_code == 200
    assert [f["properties"]["id"] for f in listed.json["features"]] == [r.json["properties"]["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (feature(geometry={"type": "Point", "coordinates": [200, 39.9]}), "geometry"),
        (feature(geometry={"type": "Point", "coordinates": [116.4, 91]}), "geometry"),
        (feature(geometry={"type": "Point", "coordinates": [116.4]}), "geometry"),
        (feature(geometry={"type": "LineString", "coordinates": [[1, 2], [3, 4]]}), "geometry"),
        (feature(geometry={"type": "Polygon", "coordinates": [SQUARE[0][:-1]]}), "geometry"),
        (
            feature(geometry={"type": "Polygon", "coordinates": [[[1, 1], [2, 2], [1, 1]]]}),
            "geometry",
        ),
        (feature(geometry={"type": "MultiPolygon", "coordinates": []}), "geometry"),
        (feature(kind="airport"), "properties"),
        ({**feature(), "type": "Thing"}, "type"),
    ],
)
def test_bad_features_answer_422(
    client: Any, regulator: Any, db: Any, body: Any, field: str
) -> None:
    r = client.post("/api/v1/receptors", json=body, headers=regulator)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]["json"]
    assert db.session.query(Receptor).count() == 0


def _upload(client: Any, headers: Any, payload: bytes) -> Any:
    return client.post(
        "/api/v1/receptors",
        data={"file": (io.BytesIO(payload), "receptors.geojson")},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_a_feature_collection_file_adds_all_or_none(client: Any, regulator: Any, db: Any) -> None:
    kinds = ["drinking_water_source", "well", "school", "hospital", "residential"]
    kinds += ["surface_water", "underground_space"]
    good = {"type": "FeatureCollection", "features": [feature(k) for k in kinds]}
    r = _upload(client, regulator, json.dumps(good).encode())
    assert r.status_code == 201, r.json
    assert r.json == {"count": 7}
    assert db.session.query(Receptor).count() == 7
    bad = {"type": "FeatureCollection", "features": [feature(), feature(kind="zoo")]}
    r = _upload(client, regulator, json.dumps(bad).encode())
    assert r.status_code == 422
    assert "features" in r.json["errors"]["json"]
    assert db.session.query(Receptor).count() == 7
    assert _upload(client, regulator, b"not json").status_code == 422


@pytest.mark.parametrize("role", ["operator_a", "inspector", "viewer"])
def test_only_regulators_add(client: Any, world: Any, api_headers: Any, role: str) -> None:
    headers = api_headers(world["users"][role])
    assert client.post("/api/v1/receptors", json=feature(), headers=headers).status_code == 403
    assert client.post("/api/v1/receptors", json=feature()).status_code == 401


def _facility(client: Any, headers: Any, fac: Any) -> Any:
    return client.get(f"/api/v1/facilities/{fac.id}", headers=headers).json


def test_facility_nearest_and_near(
    client: Any, world: Any, regulator: Any, make_facility: Any
) -> None:
    fac = make_facility(world["org_a"], latitude=39.915, longitude=116.404)
    assert _facility(client, regulator, fac)["nearest_receptor_m"] is None
    assert _facility(client, regulator, fac)["near_receptor"] is False
    # A residential area 400 m away: the Beijing pack's distance for it is 300 m.
    lon, lat, _ = Geod(ellps="WGS84").fwd(116.404, 39.915, 90, 400)
    geometry = {"type": "Point", "coordinates": [lon, lat]}
    client.post("/api/v1/receptors", json=feature("residential", geometry), headers=regulator)
    body = _facility(client, regulator, fac)
    assert body["nearest_receptor_m"] == pytest.approx(400, abs=0.2)
    assert body["near_receptor"] is False
    # A school at the same distance: 500 m (assumed) counts it near.
    client.post("/api/v1/receptors", json=feature("school", geometry), headers=regulator)
    assert _facility(client, regulator, fac)["near_receptor"] is True


def test_inside_a_polygon_is_zero(
    client: Any, world: Any, regulator: Any, make_facility: Any
) -> None:
    fac = make_facility(world["org_a"], latitude=39.915, longitude=116.405)
    polygon = {"type": "Polygon", "coordinates": SQUARE}
    client.post("/api/v1/receptors", json=feature("underground_space", polygon), headers=regulator)
    body = _facility(client, regulator, fac)
    assert body["nearest_receptor_m"] == 0
    assert body["near_receptor"] is True


def test_kinds_the_pack_leaves_out_use_the_setting(
    app: Any, client: Any, world: Any, regulator: Any, make_facility: Any, monkeypatch: Any
) -> None:
    # The Beijing pack names every kind; under the US pack surface water is left out.
    from registry.compliance.rules import load_pack

    monkeypatch.setitem(app.extensions, "rule_pack", load_pack("us-epa-280"))
    monkeypatch.setitem(app.config, "RECEPTOR_DISTANCE_M", 1000)
    fac = make_facility(world["org_a"], latitude=39.915, longitude=116.404)
    lon, lat, _ = Geod(ellps="WGS84").fwd(116.404, 39.915, 0, 800)
    geometry = {"type": "Point", "coordinates": [lon, lat]}
    client.post("/api/v1/receptors", json=feature("surface_water", geometry), headers=regulator)
    assert _facility(client, regulator, fac)["near_receptor"] is True
    monkeypatch.setitem(app.config, "RECEPTOR_DISTANCE_M", 500)
    assert _facility(client, regulator, fac)["near_receptor"] is False
