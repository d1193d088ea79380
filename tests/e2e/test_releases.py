"""A release on the US pack, over HTTP against gunicorn: from a failed tank tightness test to
closure, with the reminders it raises on the way and the public list at the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import pytest
import requests

from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import Server
from tests.e2e.conftest import serve

# Pinned to the day the suite runs (CI also runs it 400 days ahead): all in the recent past.
TESTED_ON = date.today() - timedelta(days=10)
CONFIRMED_AT = f"{(TESTED_ON + timedelta(days=2)).isoformat()}T09:00:00+08:00"
CLOSED_ON = (date.today() - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def us_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn with the us-epa-280 rule pack."""
    with serve(tmp_path_factory.mktemp("e2e-us"), settings={"RULE_PACK": "us-epa-280"}) as running:
        yield running


def _token(server: Server, role: str) -> dict[str, str]:
    resp = requests.post(
        f"{server.url}/api/v1/auth/token",
        json={"email": server.emails[role], "password": PASSWORD},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def _call(server: Server, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    return requests.request(method, f"{server.url}{path}", headers=headers, timeout=60, **kw)


def _site(server: Server, own: dict[str, str]) -> tuple[int, int]:
    facility = {
        "organization_id": server.organizations["a"],
        "name": "端到端美标站",
        "kind": "gas_station",
        "address": "北京市东城区端到端路9号",
        "latitude": 39.94,
        "longitude": 116.43,
    }
    resp = _call(server, "POST", "/api/v1/facilities", own, json=facility)
    assert resp.status_code == 201, resp.text
    tank = {
        "facility_id": resp.json()["id"],
        "kind": "tank",
        "operator_ref": "T-US-1",
        "substance": "gasoline",
        "installed_on": "2012-06-01",
        "wall": "single",
        "material": "steel",
        "corrosion_protection": "impressed_current",
        "anti_seepage": "none",
        "leak_detection": ["tightness_test", "manual_gauging"],
        "capacity_litres": 30000,
    }
    made = _call(server, "POST", "/api/v1/assets", own, json=tank)
    assert made.status_code == 201, made.text
    return resp.json()["id"], made.json()["id"]


def test_failed_tightness_test_to_closure(us_server: Server) -> None:
    server = us_server
    own, reg = _token(server, "operator"), _token(server, "regulator")
    other = _token(server, "operator_b")
    facility_id, tank_id = _site(server, own)
    record = {
        "activity": "tank_tightness_test",
        "performed_on": TESTED_ON.isoformat(),
        "result": "fail",
    }
    resp = _call(server, "POST", f"/api/v1/assets/{tank_id}/records", own, json=record)
    assert resp.status_code == 201, resp.text

    listed = _call(server, "GET", f"/api/v1/releases?facility_id={facility_id}", own)
    assert listed.status_code == 200 and len(listed.json()) == 1
    release = listed.json()[0]
    rid = release["id"]
    assert release["state"] == "suspected" and release["source"] == "detection_record"
    assert release["number"].startswith(f"R-{TESTED_ON.year}-")
    assert {s["code"] for s in release["steps"]} == {"report_suspected", "investigate"}
    assert _call(server, "GET", f"/api/v1/releases/{rid}", other).status_code == 404

    reminders = _call(server, "GET", "/api/v1/reminders", own).json()
    mine = {r["obligation"]: r for r in reminders if r.get("release_id") == rid}
    assert mine["report_suspected"]["state"] == "overdue"
    assert mine["report_suspected"]["due_at"] is not None

    done = {"done_at": f"{TESTED_ON.isoformat()}T15:00:00+08:00", "notes": "Reported to the agency"}
    resp = _call(server, "POST", f"/api/v1/releases/{rid}/steps/report_suspected", own, json=done)
    assert resp.status_code == 200, resp.text

    body = {"confirmed_at": CONFIRMED_AT, "free_product": True, "media": ["soil"]}
    resp = _call(server, "POST", f"/api/v1/releases/{rid}/confirm", own, json=body)
    assert resp.status_code == 200, resp.text
    steps = {s["code"]: s for s in resp.json()["steps"]}
    assert steps["investigate"]["done_at"] is not None
    assert set(steps) >= {"initial_response", "free_product_report", "corrective_action_plan"}

    close = {"closed_on": CLOSED_ON, "reason": "No further action"}
    assert (
        _call(server, "POST", f"/api/v1/releases/{rid}/close", own, json=close).status_code == 403
    )
    for code in ("initial_response", "initial_abatement_report", "site_characterization"):
        step = {"done_at": CONFIRMED_AT}
        resp = _call(server, "POST", f"/api/v1/releases/{rid}/steps/{code}", own, json=step)
        assert resp.status_code == 200, resp.text
    public = requests.get(f"{server.url}/exports/releases.geojson", timeout=30).json()
    numbers = [f["properties"]["number"] for f in public["features"]]
    assert release["number"] in numbers
    resp = _call(server, "POST", f"/api/v1/releases/{rid}/close", reg, json=close)
    assert resp.status_code == 200 and resp.json()["state"] == "closed", resp.text

    reminders = _call(server, "GET", "/api/v1/reminders", own).json()
    assert not [r for r in reminders if r.get("release_id") == rid]
    page = requests.get(f"{server.url}/releases/public", timeout=30)
    assert page.status_code == 200 and release["number"] in page.text
    assert server.emails["operator"] not in page.text
    again = _call(server, "POST", f"/api/v1/releases/{rid}/confirm", own, json=body)
    assert again.status_code == 409


@pytest.fixture(scope="module")
def cn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn with the default pack (cn-beijing), of its own: the shared server's lists
    are counted by other tests."""
    with serve(tmp_path_factory.mktemp("e2e-cn")) as running:
        yield running


def test_rising_benzene_trend_to_closure_on_the_beijing_pack(cn_server: Server) -> None:
    """The default pack (cn-beijing): a rising benzene trend in a well opens a release."""
    server = cn_server
    own, reg = _token(server, "operator"), _token(server, "regulator")
    facility = {
        "organization_id": server.organizations["a"],
        "name": "端到端北京站",
        "kind": "gas_station",
        "address": "北京市东城区端到端路10号",
        "latitude": 39.94,
        "longitude": 116.43,
    }
    made = _call(server, "POST", "/api/v1/facilities", own, json=facility)
    assert made.status_code == 201, made.text
    facility_id = made.json()["id"]
    point = _call(
        server,
        "POST",
        f"/api/v1/facilities/{facility_id}/monitoring-points",
        own,
        json={"name": "MW-9", "kind": "groundwater_well"},
    )
    assert point.status_code == 201, point.text
    for i, value in enumerate([0.001, 0.002, 0.003, 0.004, 0.005]):
        sampled = (date.today() - timedelta(days=30 * (5 - i))).isoformat()
        body = {"parameter": "benzene", "value": value, "unit": "mg/L", "sampled_on": sampled}
        url = f"/api/v1/monitoring-points/{point.json()['id']}/readings"
        assert _call(server, "POST", url, own, json=body).status_code == 201
    listed = _call(server, "GET", f"/api/v1/releases?facility_id={facility_id}", own).json()
    assert len(listed) == 1 and listed[0]["source"] == "monitoring_alert"
    rid = listed[0]["id"]
    assert {s["code"] for s in listed[0]["steps"]} == {"report_emergency", "site_investigation"}
    body = {"confirmed_at": listed[0]["discovered_at"], "media": ["groundwater"]}
    confirmed = _call(server, "POST", f"/api/v1/releases/{rid}/confirm", own, json=body)
    assert confirmed.status_code == 200, confirmed.text
    codes = {s["code"] for s in confirmed.json()["steps"]}
    assert {"risk_assessment", "list_entry", "post_cleanup_plan", "list_removal"} <= codes
    # the district's day of the confirmation (Beijing time), whatever the machine's zone
    beijing = timezone(timedelta(hours=8))
    confirmed_on = datetime.fromisoformat(body["confirmed_at"]).astimezone(beijing).date()
    close = {"closed_on": confirmed_on.isoformat(), "reason": "风险管控目标已达到"}
    resp = _call(server, "POST", f"/api/v1/releases/{rid}/close", reg, json=close)
    assert resp.status_code == 200 and resp.json()["state"] == "closed", resp.text
