"""Releases that open by themselves, and evidence that joins the open one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.extensions import db
from registry.releases.models import Release

RISING = [0.001, 0.002, 0.003, 0.004, 0.005]  # significant at n = 5, all below 0.01


def _count(facility_id: int) -> int:
    stmt = select(func.count()).select_from(Release).where(Release.facility_id == facility_id)
    return db.session.scalar(stmt) or 0


def _record(client: Any, h: dict[str, str], asset: Any, activity: str, result: str) -> Any:
    body = {"activity": activity, "performed_on": "2026-03-01", "result": result}
    r = client.post(f"/api/v1/assets/{asset.id}/records", json=body, headers=h)
    assert r.status_code == 201, r.json
    return r.json


def test_failed_detection_record_opens_then_joins(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_b"])
    tank, pipe = world["tank_b"], world["pipe_b"]
    _record(client, h, tank, "interstitial_monitoring_check", "pass")
    assert _count(tank.facility_id) == 0
    first = _record(client, h, tank, "interstitial_monitoring_check", "fail")
    releases = client.get(f"/api/v1/releases?facility_id={tank.facility_id}", headers=h).json
    assert len(releases) == 1
    release = releases[0]
    assert release["state"] == "suspected" and release["source"] == "detection_record"
    assert release["asset_id"] == tank.id
    # discovered on the record's day (the start of it, in the district): the clock is strict
    assert release["discovered_at"] == "2026-02-28T16:00:00+00:00"
    assert [e["record_id"] for e in release["evidence"]] == [first["id"]]
    second = _record(client, h, pipe, "interstitial_monitoring_check", "fail")
    releases = client.get(f"/api/v1/releases?facility_id={tank.facility_id}", headers=h).json
    assert len(releases) == 1  # joined, not a second one
    assert [e["record_id"] for e in releases[0]["evidence"]] == [first["id"], second["id"]]
    assert releases[0]["affected_asset_ids"] == [tank.id, pipe.id]


def test_non_detection_activity_opens_nothing(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_b"])
    _record(client, h, world["tank_b"], "leak_detection_equipment_check", "fail")
    assert _count(world["fac_b"].id) == 0


def test_closed_or_not_confirmed_release_does_not_take_new_evidence(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_b"])
    tank = world["tank_b"]
    _record(client, h, tank, "interstitial_monitoring_check", "fail")
    rid = client.get("/api/v1/releases", headers=h).json[0]["id"]
    r = client.post(f"/api/v1/releases/{rid}/not-confirmed", json={"reason": "Sensor"}, headers=h)
    assert r.status_code == 200
    _record(client, h, tank, "interstitial_monitoring_check", "fail")
    assert _count(tank.facility_id) == 2


def _readings(client: Any, h: dict[str, str], point_id: int, values: list[float]) -> None:
    for i, v in enumerate(values):
        body = {
            "parameter": "benzene",
            "value": v,
            "unit": "mg/L",
            "sampled_on": f"2025-{i + 2:02d}-15",
        }
        r = client.post(f"/api/v1/monitoring-points/{point_id}/readings", json=body, headers=h)
        assert r.status_code == 201, r.json


def test_rising_trend_opens_a_release(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = api_headers(world["users"]["operator_b"])
    fac = world["fac_b"]
    r = client.post(
        f"/api/v1/facilities/{fac.id}/monitoring-points",
        json={"name": "MW-2", "kind": "groundwater_well"},
        headers=h,
    )
    point_id = r.json["id"]
    _readings(client, h, point_id, RISING[:3])
    assert _count(fac.id) == 0  # three readings: no trend yet
    _readings(client, h, point_id, RISING)  # the trend is significant from here
    releases = client.get("/api/v1/releases", headers=h).json
    assert len(releases) == 1
    assert releases[0]["source"] == "monitoring_alert"
    kinds = {e["alert_kind"] for e in releases[0]["evidence"]}
    assert kinds == {"rising_trend"}


def test_exceedance_joins_the_open_release(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    point = world["point_a"]
    before = _count(point.facility_id)
    body = {"parameter": "benzene", "value": 0.05, "unit": "mg/L", "sampled_on": "2026-01-20"}
    r = client.post(f"/api/v1/monitoring-points/{point.id}/readings", json=body, headers=h)
    assert r.status_code == 201
    _record(client, h, world["tank_a"], "interstitial_monitoring_check", "fail")
    assert _count(point.facility_id) == before  # both joined the oldest open release
    release = client.get(f"/api/v1/releases/{world['release_a'].id}", headers=h).json
    # after the world's file: the alert, then the record
    assert [e["kind"] for e in release["evidence"]] == ["file", "alert", "activity_record"]
    assert release["evidence"][1]["reading_id"] == r.json["id"]
    assert release["evidence"][1]["alert_kind"] == "exceedance"
