"""The inspections API: idempotent submissions, validation, checklists, findings."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.core.signals import inspection_passed
from registry.inspections.models import Finding
from registry.inspections.models import Inspection


def _count(db: Any, model: Any, asset: Any) -> int:
    """Count the rows of an asset (the world's assets are new in every test)."""
    db.session.expire_all()
    stmt = select(func.count()).select_from(model).where(model.asset_id == asset.id)
    return db.session.scalar(stmt)


def test_idempotent_on_client_uuid(client, db, world, api_headers, passing_body) -> None:
    headers = api_headers(world["users"]["inspector"])
    body = passing_body(world["tank_a"])
    before = _count(db, Inspection, world["tank_a"])
    first = client.post("/api/v1/inspections", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/inspections", json=body, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    changed = copy.deepcopy(body)
    changed["notes"] = "something else"
    conflict = client.post("/api/v1/inspections", json=changed, headers=headers)
    assert conflict.status_code == 409
    assert "client_uuid" in conflict.get_json()["message"]
    assert _count(db, Inspection, world["tank_a"]) == before + 1


def test_same_instant_in_another_zone_is_the_same_body(
    client, world, api_headers, passing_body
) -> None:
    headers = api_headers(world["users"]["inspector"])
    body = passing_body(world["tank_a"])
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201
    body["performed_at"] = "2026-03-01T01:30:00Z"
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 200


def test_checklist_follows_construction(client, world, make_asset, api_headers) -> None:
    headers = api_headers(world["users"]["inspector"])
    double = client.get(f"/api/v1/assets/{world['tank_a'].id}/checklist", headers=headers)
    body = double.get_json()
    assert set(body) == {"version", "items"}
    codes = [i["code"] for i in body["items"]]
    assert "interstitial_sensor_ok" in codes and "observation_pipe_dry" not in codes
    assert set(body["items"][0]) == {
        "code",
        "label",
        "type",
        "required",
        "unit",
        "min",
        "max",
        "valid_min",
        "valid_max",
        "choices",
        "violation",
    }
    pit = make_asset(
        world["fac_a"],
        wall="single",
        anti_seepage="seepage_pit",
        leak_detection=["observation_pipe"],
        corrosion_protection="sacrificial_anode",
    )
    items = client.get(f"/api/v1/assets/{pit.id}/checklist", headers=headers).get_json()["items"]
    by_code = {i["code"]: i for i in items}
    assert "observation_pipe_dry" in by_code and "interstitial_sensor_ok" not in by_code
    cp = by_code["cp_potential_mv"]
    assert (cp["type"], cp["unit"], cp["min"], cp["max"]) == ("number", "mV", -2000, -850)
    pipe = client.get(f"/api/v1/assets/{world['pipe_a'].id}/checklist", headers=headers).get_json()
    assert "line_leak_detector_ok" in [i["code"] for i in pipe["items"]]
    en = client.get(
        f"/api/v1/assets/{world['tank_a'].id}/checklist",
        headers=headers | {"Accept-Language": "en"},
    ).get_json()
    zh = client.get(
        f"/api/v1/assets/{world['tank_a'].id}/checklist",
        headers=headers | {"Accept-Language": "zh"},
    ).get_json()
    assert en["items"][0]["label"] == "Asset tag present and legible"
    assert zh["items"][0]["label"] == "资产标签在位且清晰可读"


def test_validation_errors_name_the_item(client, db, world, api_headers, passing_body) -> None:
    headers = api_headers(world["users"]["inspector"])
    before = _count(db, Inspection, world["tank_a"])
    body = passing_body(world["tank_a"])
    body["answers"] = [a for a in body["answers"] if a["item"] != "interstice_dry"]
    body["answers"].append({"item": "no_such_item", "value": "yes"})
    body["answers"][0]["value"] = "maybe"
    resp = client.post("/api/v1/inspections", json=body, headers=headers)
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]["answers"]
    assert set(errors) == {"interstice_dry", "no_such_item", body["answers"][0]["item"]}
    bad_number = passing_body(world["tank_a"])
    bad_number["answers"] = [
        {**a, "value": "high"} if a["item"] == "product_level_cm" else a
        for a in bad_number["answers"]
    ]
    resp = client.post("/api/v1/inspections", json=bad_number, headers=headers)
    assert resp.status_code == 422 and "product_level_cm" in resp.get_json()["errors"]["answers"]
    missing = {"asset_id": world["tank_a"].id}
    assert client.post("/api/v1/inspections", json=missing, headers=headers).status_code == 422
    assert _count(db, Inspection, world["tank_a"]) == before


def test_pass_with_failing_answer_is_refused(client, db, world, api_headers, passing_body) -> None:
    headers = api_headers(world["users"]["inspector"])
    before = _count(db, Inspection, world["tank_a"])
    body = passing_body(world["tank_a"])
    body["answers"][1]["value"] = "no"
    resp = client.post("/api/v1/inspections", json=body, headers=headers)
    assert resp.status_code == 422
    assert body["answers"][1]["item"] in resp.get_json()["message"]
    assert _count(db, Inspection, world["tank_a"]) == before


def test_failed_answer_proposes_a_finding_with_due_date(
    client, db, world, api_headers, passing_body
) -> None:
    headers = api_headers(world["users"]["inspector"])
    body = passing_body(world["tank_a"], result="fail")
    for a in body["answers"]:
        if a["item"] == "interstice_dry":
            a["value"], a["note"] = "no", "diesel in the interstice"
    body["findings"] = [{"severity": "low", "description": "Faded sign", "due_on": None}]
    resp = client.post("/api/v1/inspections", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["result"] == "fail"
    findings = {f["severity"]: f for f in data["findings"]}
    assert set(findings) == {"low", "critical"}
    assert findings["critical"]["item"] == "interstice_dry"
    assert "diesel in the interstice" in findings["critical"]["description"]
    # performed 2026-03-01 (Beijing): critical 7 days, low 60 days
    assert findings["critical"]["corrective_action"]["due_on"] == "2026-03-08"
    assert findings["low"]["corrective_action"]["due_on"] == "2026-04-30"
    assert findings["low"]["corrective_action"]["status"] == "open"


def test_non_compliant_number_fails_and_impossible_number_is_refused(
    client, db, world, make_asset, api_headers, passing_body
) -> None:
    headers = api_headers(world["users"]["inspector"])
    tank = make_asset(world["fac_a"], corrosion_protection="sacrificial_anode")
    weak = passing_body(tank, result=None)
    weak["answers"] = [
        {**a, "value": -700} if a["item"] == "cp_potential_mv" else a for a in weak["answers"]
    ]
    resp = client.post("/api/v1/inspections", json=weak, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["result"] == "fail"
    assert [f["item"] for f in resp.get_json()["findings"]] == ["cp_potential_mv"]
    before = _count(db, Inspection, tank)
    typo = passing_body(tank, result=None)
    typo["answers"] = [
        {**a, "value": -5} if a["item"] == "product_level_cm" else a for a in typo["answers"]
    ]
    resp = client.post("/api/v1/inspections", json=typo, headers=headers)
    # a level below zero is mistyped, not failed: refused at that answer, nothing stored
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]["answers"]
    assert set(errors) == {"product_level_cm"}
    assert "不是可能的读数：至少 0 cm" in errors["product_level_cm"][0]  # the inspector reads zh
    assert _count(db, Inspection, tank) == before


def test_passed_inspection_announces_activities(client, world, api_headers, passing_body) -> None:
    got: list[dict[str, Any]] = []

    def listener(sender: Any, **kw: Any) -> None:
        got.append(kw)

    inspection_passed.connect(listener)
    try:
        headers = api_headers(world["users"]["inspector"])
        body = passing_body(world["tank_a"])
        body["answers"] = [
            a if a["item"] != "leak_monitor_ok" else {**a, "value": "na"} for a in body["answers"]
        ]
        assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201
        assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 200
    finally:
        inspection_passed.disconnect(listener)
    assert len(got) == 1
    # leak_monitor_ok answered "na" does not count; the tank has no ATG item either.
    assert set(got[0]["activities"]) == {"patrol", "interstitial_monitoring_check"}
    assert str(got[0]["performed_on"]) == "2026-03-01"
    assert got[0]["performed_by"] == world["users"]["inspector"].email


def test_lists_and_scoping(client, world, api_headers, passing_body) -> None:
    inspector = api_headers(world["users"]["inspector"])
    client.post("/api/v1/inspections", json=passing_body(world["tank_a"]), headers=inspector)
    client.post("/api/v1/inspections", json=passing_body(world["tank_b"]), headers=inspector)
    op_a = api_headers(world["users"]["operator_a"])
    mine = client.get("/api/v1/inspections", headers=op_a)
    assert {i["asset_id"] for i in mine.get_json()} == {world["tank_a"].id}
    assert (
        client.get(f"/api/v1/assets/{world['tank_b'].id}/inspections", headers=op_a).status_code
        == 404
    )
    listed = client.get(f"/api/v1/assets/{world['tank_a'].id}/inspections", headers=inspector)
    assert len(listed.get_json()) == 2 and "X-Pagination" in listed.headers  # + the world's


def test_corrective_action_fix_verify_reopen(client, db, world, api_headers, passing_body) -> None:
    inspector = api_headers(world["users"]["inspector"])
    body = passing_body(world["tank_a"], result="fail")
    body["findings"] = [{"severity": "high", "description": "Cap loose", "due_on": "2026-03-05"}]
    data = client.post("/api/v1/inspections", json=body, headers=inspector).get_json()
    action_id = data["findings"][0]["corrective_action"]["id"]
    op_b = api_headers(world["users"]["operator_b"])
    assert (
        client.post(
            f"/api/v1/corrective-actions/{action_id}/fix", json={}, headers=op_b
        ).status_code
        == 404
    )
    op_a = api_headers(world["users"]["operator_a"])
    assert (
        client.post(
            f"/api/v1/corrective-actions/{action_id}/verify", json={}, headers=op_a
        ).status_code
        == 403
    )
    fixed = client.post(
        f"/api/v1/corrective-actions/{action_id}/fix", json={"notes": "tightened"}, headers=op_a
    )
    assert fixed.status_code == 200 and fixed.get_json()["status"] == "fixed"
    assert (
        client.post(
            f"/api/v1/corrective-actions/{action_id}/fix", json={}, headers=op_a
        ).status_code
        == 409
    )
    reopened = client.post(
        f"/api/v1/corrective-actions/{action_id}/reopen", json={}, headers=inspector
    )
    assert reopened.get_json()["status"] == "open"
    client.post(f"/api/v1/corrective-actions/{action_id}/fix", json={}, headers=op_a)
    verified = client.post(
        f"/api/v1/corrective-actions/{action_id}/verify", json={}, headers=inspector
    )
    assert verified.get_json()["status"] == "verified"
    listed = client.get("/api/v1/findings?status=verified", headers=op_a).get_json()
    assert [f["id"] for f in listed] == [data["findings"][0]["id"]]


def test_overdue_corrective_actions(app, client, db, world, api_headers, passing_body) -> None:
    from datetime import date

    from registry.inspections.services import overdue_corrective_actions

    inspector = api_headers(world["users"]["inspector"])
    body = passing_body(world["tank_a"], result="fail")
    body["findings"] = [{"severity": "high", "description": "Cap loose", "due_on": "2026-03-05"}]
    client.post("/api/v1/inspections", json=body, headers=inspector)
    with app.app_context():
        mine = [
            a.id
            for a in overdue_corrective_actions(date(2026, 3, 6), organization_id=world["org_a"].id)
        ]
        assert len(mine) == 1
        assert overdue_corrective_actions(date(2026, 3, 5), organization_id=world["org_a"].id) == []
        assert overdue_corrective_actions(date(2026, 3, 6), organization_id=world["org_b"].id) == []
    assert _count(db, Finding, world["tank_a"]) == 3  # + the world's two
