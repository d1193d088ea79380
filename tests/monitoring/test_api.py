"""Monitoring API: points, readings (units checked), alerts with their shape and scope, audit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.extensions import db

RISING = [0.001, 0.002, 0.003, 0.004, 0.005]  # significant at n = 5, all below 0.01


def _post_series(
    client: Any, h: dict[str, str], point_id: int, values: list[float], parameter: str = "benzene"
) -> None:
    for i, v in enumerate(values):
        r = client.post(
            f"/api/v1/monitoring-points/{point_id}/readings",
            json={
                "parameter": parameter,
                "value": v,
                "unit": "mg/L",
                "sampled_on": f"2025-{i + 1:02d}-15",
            },
            headers=h,
        )
        assert r.status_code == 201, r.json


def test_operator_adds_point_and_readings(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    fac = world["fac_a"]
    r = client.post(
        f"/api/v1/facilities/{fac.id}/monitoring-points",
        json={"name": "SG-1", "kind": "soil_gas_probe"},
        headers=h,
    )
    assert r.status_code == 201, r.json
    point = r.json
    assert point["facility_id"] == fac.id and point["unit"] == "mg/m³" and point["notes"] is None
    r = client.post(
        f"/api/v1/monitoring-points/{point['id']}/readings",
        json={"parameter": "tph", "value": 1.5, "unit": "mg/m3", "sampled_on": "2026-03-01"},
        headers=h,
    )
    assert r.status_code == 201, r.json
    assert (
        r.json["unit"] == "mg/m³"
        and r.json["value"] == 1.5
        and r.json["sampled_on"] == "2026-03-01"
    )
    listed = client.get(f"/api/v1/monitoring-points/{point['id']}/readings", headers=h).json
    assert [x["parameter"] for x in listed] == ["tph"]
    names = [
        p["name"]
        for p in client.get(f"/api/v1/facilities/{fac.id}/monitoring-points", headers=h).json
    ]
    assert names == ["MW-1", "SG-1"]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity.in_(["monitoring_point", "monitoring_reading"]))
    ).all()
    assert {(e.entity, e.action) for e in events} >= {
        ("monitoring_point", "create"),
        ("monitoring_reading", "create"),
    }
    assert any(e.user_id == world["users"]["operator_a"].id for e in events)


def test_reading_is_validated(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = api_headers(world["users"]["regulator"])
    url = f"/api/v1/monitoring-points/{world['point_a'].id}/readings"
    good = {"parameter": "benzene", "value": 0.01, "unit": "mg/L", "sampled_on": "2026-01-01"}
    for bad, field in (
        ({"unit": "mg/kg"}, "unit"),
        ({"unit": "µg/m³"}, "unit"),  # soil gas's, not a well's
        ({"parameter": "lead"}, "parameter"),
        ({"value": -1}, "value"),
        ({"sampled_on": "2999-01-01"}, "sampled_on"),
    ):
        r = client.post(url, json={**good, **bad}, headers=h)
        assert r.status_code == 422, (bad, r.json)
        assert field in str(r.json["errors"]), (bad, r.json)
    assert client.post(url, json=good, headers=h).status_code == 201


def test_alerts_exceedance_and_rising_trend(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    point = world["point_a"]
    assert client.get("/api/v1/alerts", headers=h).json == []
    _post_series(client, h, point.id, RISING, parameter="toluene")
    r = client.post(
        f"/api/v1/monitoring-points/{point.id}/readings",
        json={"parameter": "benzene", "value": 0.05, "unit": "mg/L", "sampled_on": "2026-02-01"},
        headers=h,
    )
    assert r.status_code == 201
    alerts = client.get("/api/v1/alerts", headers=h).json
    by_kind = {a["kind"]: a for a in alerts}
    assert set(by_kind) == {"exceedance", "rising_trend"}
    exc = by_kind["exceedance"]
    assert {
        k: exc[k] for k in ("facility_id", "point_id", "point_name", "parameter", "raised_on")
    } == {
        "facility_id": world["fac_a"].id,
        "point_id": point.id,
        "point_name": "MW-1",
        "parameter": "benzene",
        "raised_on": "2026-02-01",
    }
    assert exc["screening_value"] == 0.01 and exc["value"] == 0.05
    trend = by_kind["rising_trend"]
    assert trend["parameter"] == "toluene" and trend["raised_on"] == "2025-05-15"
    assert trend["p_value"] < 0.05
    only = client.get("/api/v1/alerts?kind=rising_trend", headers=h).json
    assert [a["kind"] for a in only] == ["rising_trend"]


def test_trend_needs_four_readings_rising_significantly(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    point = world["point_a"].id
    _post_series(client, h, point, [0.001, 0.002, 0.003], "xylenes")  # three: too few
    _post_series(client, h, point, [0.1, 0.1, 0.1, 0.1, 0.1], "ethylbenzene")  # flat
    _post_series(client, h, point, [0.001, 0.003, 0.002, 0.004], "mtbe")  # S = 4: weak
    _post_series(client, h, point, [0.005, 0.004, 0.003, 0.002, 0.001], "toluene")  # falling
    assert client.get("/api/v1/alerts", headers=h).json == []
    r = client.post(
        f"/api/v1/monitoring-points/{point}/readings",
        json={"parameter": "xylenes", "value": 0.004, "unit": "mg/L", "sampled_on": "2025-06-01"},
        headers=h,
    )
    assert r.status_code == 201
    (alert,) = client.get("/api/v1/alerts", headers=h).json  # the fourth rising reading
    assert alert["kind"] == "rising_trend" and alert["parameter"] == "xylenes"
    assert alert["raised_on"] == "2025-06-01" and alert["p_value"] == pytest.approx(
        0.0447, abs=1e-4
    )


def test_alerts_are_scoped_to_the_operators_organization(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    reg = api_headers(world["users"]["regulator"])
    _post_series(client, reg, world["point_a"].id, [0.5])
    for role, count in (("operator_a", 1), ("operator_b", 0), ("inspector", 1), ("viewer", 1)):
        got = client.get("/api/v1/alerts", headers=api_headers(world["users"][role])).json
        assert len(got) == count, role
    # operator B cannot see A's point at all
    b = api_headers(world["users"]["operator_b"])
    assert (
        client.get(
            f"/api/v1/monitoring-points/{world['point_a'].id}/readings", headers=b
        ).status_code
        == 404
    )


def test_screening_values_come_from_the_settings(
    app: Any, client: Any, world: dict[str, Any], api_headers: Any, monkeypatch: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    _post_series(client, h, world["point_a"].id, [0.005])
    assert client.get("/api/v1/alerts", headers=h).json == []
    values = {k: dict(v) for k, v in app.config["SCREENING_VALUES"].items()}
    values["groundwater_well"]["benzene"] = 0.001
    monkeypatch.setitem(app.config, "SCREENING_VALUES", values)
    got = client.get("/api/v1/alerts", headers=h).json
    # the world's reading (0.002) and the new one (0.005) are both above 0.001 now
    assert sorted(a["raised_on"] for a in got) == ["2025-01-15", "2026-01-05"]


def test_alerts_become_operator_reminders(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    reg = api_headers(world["users"]["regulator"])
    r = client.post(
        f"/api/v1/monitoring-points/{world['point_a'].id}/readings",
        json={"parameter": "benzene", "value": 0.5, "unit": "mg/L", "sampled_on": "2026-02-01"},
        headers=reg,
    )
    assert r.status_code == 201
    op = api_headers(world["users"]["operator_a"])
    items = client.get("/api/v1/reminders?as_of=2026-03-01", headers=op).json
    mine = [i for i in items if i["obligation"].startswith("monitoring_")]
    assert len(mine) == 1 and mine[0]["obligation"] == "monitoring_exceedance"
    assert mine[0]["facility_id"] == world["fac_a"].id and mine[0]["state"] == "overdue"
    other = client.get(
        "/api/v1/reminders?as_of=2026-03-01", headers=api_headers(world["users"]["operator_b"])
    ).json
    assert not [i for i in other if i["obligation"].startswith("monitoring_")]
