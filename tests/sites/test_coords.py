"""GCJ-02 and BD-09 coordinates: known published pairs, the exact inverse, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from pyproj import Geod

from registry.sites import coords
from registry.sites.models import Facility

GEOD = Geod(ellps="WGS84")

# Published pairs. WGS84 -> GCJ-02 (lon, lat):
# - near Tiananmen, from the README of the npm package `coordtransform` (wandergis), whose
#   example converts (116.404, 39.915): wgs84togcj02 -> (116.41024449916938, 39.91640428150164);
# - Shanghai, Shenzhen and Beijing from googollee/eviltransform's test table (go/transform_test.go).
WGS_GCJ = [
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),  # Tiananmen (coordtransform)
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]
# GCJ-02 -> BD-09, the same README: gcj02tobd09(116.404, 39.915) and bd09togcj02(116.404, 39.915).
# bd09togcj02 there is the usual closed-form approximate inverse, a few centimetres off the
# exact one: hence the 0.1 m tolerance of its pair.
GCJ_BD = [
    ((116.404, 39.915), (116.41036949371029, 39.92133699351021), 0.01),
    ((116.39762729119315, 39.90865673957631), (116.404, 39.915), 0.1),
]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_values(wgs: Any, gcj: Any) -> None:
    assert metres(coords.wgs84_to_gcj02(*wgs), gcj) < 0.01


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_gcj02_inverse_is_exact_to_a_metre(wgs: Any, gcj: Any) -> None:
    assert metres(coords.to_wgs84(*gcj, "gcj02"), wgs) < 0.01


@pytest.mark.parametrize(("gcj", "bd", "tolerance"), GCJ_BD)
def test_bd09_matches_published_values_and_inverts(gcj: Any, bd: Any, tolerance: float) -> None:
    assert metres(coords.gcj02_to_bd09(*gcj), bd) < tolerance
    # BD-09 back to WGS-84 is the WGS-84 point whose GCJ-02 offset is `gcj`.
    wgs = coords.to_wgs84(*bd, "bd09")
    assert metres(coords.wgs84_to_gcj02(*wgs), gcj) < 1.0


def test_bd09_to_wgs84_known_answer() -> None:
    # The Tiananmen WGS-84 point, through both published steps: WGS -> GCJ (coordtransform),
    # then GCJ -> BD (the same transform), back to WGS-84 within a metre.
    gcj = WGS_GCJ[0][1]
    bd = coords.gcj02_to_bd09(*gcj)
    assert metres(coords.to_wgs84(*bd, "bd09"), (116.404, 39.915)) < 1.0


def test_the_offset_is_hundreds_of_metres_so_conversion_matters() -> None:
    assert 400 < metres(*WGS_GCJ[0]) < 700


def test_outside_china_is_unchanged() -> None:
    assert coords.to_wgs84(2.35, 48.85, "gcj02") == (2.35, 48.85)
    assert coords.to_wgs84(116.4, 39.9, "wgs84") == (116.4, 39.9)


@pytest.fixture
def regulator(world: dict[str, Any], api_headers: Any) -> dict[str, str]:
    return api_headers(world["users"]["regulator"]) | {"Accept-Language": "en"}


def _create(client: Any, world: Any, headers: Any, **body: Any) -> Any:
    base = {"organization_id": world["org_a"].id, "name": "坐标站", "kind": "gas_station"}
    return client.post("/api/v1/facilities", json=base | body, headers=headers)


@pytest.mark.parametrize(
    ("system", "given"),
    [
        ("gcj02", WGS_GCJ[0][1]),
        ("bd09", coords.gcj02_to_bd09(*WGS_GCJ[0][1])),
        ("wgs84", (116.404, 39.915)),
    ],
)
def test_create_stores_and_returns_wgs84(
    client: Any, world: Any, regulator: Any, db: Any, system: str, given: Any
) -> None:
    r = _create(
        client, world, regulator, longitude=given[0], latitude=given[1], coordinate_system=system
    )
    assert r.status_code == 201, r.json
    assert "coordinate_system" not in r.json
    assert metres((r.json["longitude"], r.json["latitude"]), (116.404, 39.915)) < 1.0
    stored = db.session.get(Facility, r.json["id"])
    assert metres((stored.longitude, stored.latitude), (116.404, 39.915)) < 1.0


def test_create_without_system_is_wgs84(client: Any, world: Any, regulator: Any) -> None:
    r = _create(client, world, regulator, longitude=116.41, latitude=39.91)
    assert r.status_code == 201
    assert (r.json["longitude"], r.json["latitude"]) == (116.41, 39.91)


def test_district_bounds_apply_to_the_converted_point(
    client: Any, world: Any, regulator: Any
) -> None:
    # Default bounds: longitude 116.37..116.45. A GCJ-02 longitude of 116.3745 is inside as
    # given but its WGS-84 point (about 116.368) lies west of the district.
    lon, lat = coords.wgs84_to_gcj02(116.368, 39.90)
    assert lon > 116.37
    r = _create(client, world, regulator, longitude=lon, latitude=lat, coordinate_system="gcj02")
    assert r.status_code == 422
    assert set(r.json["errors"]["json"]) == {"longitude"}
    # And a GCJ-02 point outside the box as given is accepted when its WGS-84 point is inside.
    lon, lat = coords.wgs84_to_gcj02(116.447, 39.90)
    assert lon > 116.45
    r = _create(client, world, regulator, longitude=lon, latitude=lat, coordinate_system="gcj02")
    assert r.status_code == 201
    assert r.json["longitude"] == pytest.approx(116.447, abs=1e-6)


def test_unknown_system_and_half_a_point_answer_422(
    client: Any, world: Any, regulator: Any
) -> None:
    r = _create(client, world, regulator, longitude=116.4, latitude=39.9, coordinate_system="utm")
    assert r.status_code == 422
    assert set(r.json["errors"]["json"]) == {"coordinate_system"}
    r = _create(client, world, regulator, longitude=116.4, coordinate_system="gcj02")
    assert r.status_code == 422
    assert set(r.json["errors"]["json"]) == {"coordinate_system"}


def test_patch_converts(client: Any, world: Any, regulator: Any, db: Any) -> None:
    fac = world["fac_a"]
    gcj = WGS_GCJ[0][1]
    r = client.patch(
        f"/api/v1/facilities/{fac.id}",
        json={
            "version": fac.version,
            "longitude": gcj[0],
            "latitude": gcj[1],
            "coordinate_system": "gcj02",
        },
        headers=regulator,
    )
    assert r.status_code == 200, r.json
    assert metres((r.json["longitude"], r.json["latitude"]), (116.404, 39.915)) < 1.0
