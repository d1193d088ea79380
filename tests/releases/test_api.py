"""The release API: open by hand, list and show, steps, the state machine, and its scope."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.extensions import db

DISCOVERED = "2026-03-01T23:30:00+08:00"


def _open(client: Any, h: dict[str, str], facility: Any, **extra: Any) -> Any:
    body = {"facility_id": facility.id, "discovered_at": DISCOVERED, "description": "Odour"}
    return client.post("/api/v1/releases", json=body | extra, headers=h)


def test_operator_opens_a_release_with_its_steps(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    r = _open(client, h, world["fac_a"], asset_id=world["tank_a"].id, kind="spill")
    assert r.status_code == 201, r.json
    body = r.json
    assert body["state"] == "suspected" and body["source"] == "report" and body["kind"] == "spill"
    assert body["number"].startswith("R-2026-") and len(body["number"]) == len("R-2026-0001")
    assert body["affected_asset_ids"] == [world["tank_a"].id]
    steps = {s["code"]: s for s in body["steps"]}
    assert steps["report_emergency"]["due_at"] == "2026-03-02T15:30:00+00:00"
    assert steps["report_emergency"]["due_on"] == "2026-03-02"
    assert steps["report_emergency"]["assumed"] is True
    assert "citation" in steps["report_emergency"]
    listed = client.get("/api/v1/releases?state=suspected", headers=h)
    assert listed.status_code == 200 and body["id"] in [x["id"] for x in listed.json]
    assert {x["state"] for x in listed.json} == {"suspected"}
    assert "X-Pagination" in listed.headers
    shown = client.get(f"/api/v1/releases/{body['id']}", headers=h)
    assert shown.status_code == 200 and shown.json["number"] == body["number"]


def test_numbers_are_gapless_per_year(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = api_headers(world["users"]["regulator"])
    first = _open(client, h, world["fac_a"]).json["number"]
    second = _open(client, h, world["fac_b"]).json["number"]
    other_year = _open(client, h, world["fac_b"], discovered_at="2025-12-31T23:59:00+08:00")
    serial = int(first.rsplit("-", 1)[1])
    assert second == f"R-2026-{serial + 1:04d}"
    assert other_year.json["number"].startswith("R-2025-")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"discovered_at": "2999-01-01T00:00:00+08:00"}, "discovered_at"),
        ({"discovered_at": "yesterday at noon"}, "discovered_at"),
        ({"discovered_at": "1066-10-14T09:00:00+00:00"}, "discovered_at"),
        ({"media": ["air"]}, "media"),
    ],
)
def test_bad_input_is_refused(
    client: Any, world: dict[str, Any], api_headers: Any, body: dict[str, Any], field: str
) -> None:
    h = api_headers(world["users"]["operator_a"])
    r = _open(client, h, world["fac_a"], **body)
    assert r.status_code == 422, r.json
    assert field in str(r.json)


def test_future_discovery_refused_by_the_service(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = _open(client, h, world["fac_a"], discovered_at=soon)
    assert r.status_code == 422 and "discovered_at" in r.json["errors"]


def test_asset_of_another_facility_refused(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    r = _open(client, h, world["fac_a"], asset_id=world["tank_b"].id)
    assert r.status_code == 422


def test_state_machine(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    op = api_headers(world["users"]["operator_a"])
    reg = api_headers(world["users"]["regulator"])
    rid = _open(client, op, world["fac_a"]).json["id"]
    close = {"closed_on": "2026-04-01", "reason": "Cleaned up"}
    # suspected: cannot close
    r = client.post(f"/api/v1/releases/{rid}/close", json=close, headers=reg)
    assert r.status_code == 409
    confirm = {"confirmed_at": "2026-03-03T09:00:00+08:00", "media": ["soil"]}
    r = client.post(f"/api/v1/releases/{rid}/confirm", json=confirm, headers=op)
    assert r.status_code == 200 and r.json["state"] == "confirmed" and r.json["media"] == ["soil"]
    # confirmed: not again, and not "not confirmed"
    assert (
        client.post(f"/api/v1/releases/{rid}/confirm", json=confirm, headers=op).status_code == 409
    )
    r = client.post(f"/api/v1/releases/{rid}/not-confirmed", json={"reason": "x"}, headers=op)
    assert r.status_code == 409
    # only regulators close
    assert client.post(f"/api/v1/releases/{rid}/close", json=close, headers=op).status_code == 403
    r = client.post(f"/api/v1/releases/{rid}/close", json=close, headers=reg)
    assert (
        r.status_code == 200 and r.json["state"] == "closed" and r.json["closed_on"] == "2026-04-01"
    )
    for act, body in (("confirm", confirm), ("not-confirmed", {"reason": "x"}), ("close", close)):
        assert (
            client.post(f"/api/v1/releases/{rid}/{act}", json=body, headers=reg).status_code == 409
        )
    step = client.post(
        f"/api/v1/releases/{rid}/steps/risk_assessment",
        json={"done_at": "2026-03-20T10:00:00+08:00"},
        headers=op,
    )
    assert step.status_code == 409  # closed: no more steps
    # the timeline: every change in the audit log
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "release", AuditEvent.row_id == rid)
    ).all()
    assert actions.count("create") == 1 and actions.count("update") == 2


def test_not_confirmed_ends_it(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    op = api_headers(world["users"]["operator_a"])
    rid = _open(client, op, world["fac_a"]).json["id"]
    reason = "Faulty probe replaced and retested clean (280.50(c))"
    r = client.post(f"/api/v1/releases/{rid}/not-confirmed", json={"reason": reason}, headers=op)
    assert r.status_code == 200 and r.json["state"] == "not_confirmed"
    assert r.json["not_confirmed_reason"] == reason
    steps = {s["code"]: s for s in r.json["steps"]}
    assert steps["site_investigation"]["done_at"] is not None  # the investigation ended it
    r = client.post(
        f"/api/v1/releases/{rid}/confirm", json={"confirmed_at": DISCOVERED}, headers=op
    )
    assert r.status_code == 409


def test_steps(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    op = api_headers(world["users"]["operator_a"])
    rid = _open(client, op, world["fac_a"]).json["id"]
    url = f"/api/v1/releases/{rid}/steps/report_emergency"
    r = client.post(
        url, json={"done_at": "2026-03-02T08:00:00+08:00", "notes": "Called"}, headers=op
    )
    assert r.status_code == 200 and r.json["done_at"] == "2026-03-02T00:00:00+00:00"
    assert r.json["notes"] == "Called"
    before = client.post(url, json={"done_at": "2026-03-01T08:00:00+08:00"}, headers=op)
    assert before.status_code == 422
    r = client.post(
        f"/api/v1/releases/{rid}/steps/nonsense", json={"done_at": DISCOVERED}, headers=op
    )
    assert r.status_code == 404
    # not yet a step: confirmation steps appear at confirmation
    r = client.post(
        f"/api/v1/releases/{rid}/steps/risk_assessment", json={"done_at": DISCOVERED}, headers=op
    )
    assert r.status_code == 404


def test_scope(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    a = api_headers(world["users"]["operator_a"])
    b = api_headers(world["users"]["operator_b"])
    viewer = api_headers(world["users"]["viewer"])
    rid = _open(client, a, world["fac_a"]).json["id"]
    assert client.get(f"/api/v1/releases/{rid}", headers=b).status_code == 404
    assert client.get("/api/v1/releases", headers=b).json == []
    body = {"confirmed_at": "2026-03-03T09:00:00+08:00"}
    assert client.post(f"/api/v1/releases/{rid}/confirm", json=body, headers=b).status_code == 404
    assert (
        client.post(f"/api/v1/releases/{rid}/confirm", json=body, headers=viewer).status_code == 403
    )
    assert _open(client, b, world["fac_a"]).status_code == 404
    assert _open(client, viewer, world["fac_a"]).status_code == 403
    assert client.get(f"/api/v1/releases/{rid}", headers=viewer).status_code == 200


def test_reminders_list_open_steps(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    op = api_headers(world["users"]["operator_a"])
    rid = _open(client, op, world["fac_a"], asset_id=world["tank_a"].id).json["id"]
    r = client.get("/api/v1/reminders?as_of=2026-03-04", headers=op)
    assert r.status_code == 200
    items = [i for i in r.json if i.get("release_id") == rid]
    by_code = {i["obligation"]: i for i in items}
    report = by_code["report_emergency"]
    assert report["state"] == "overdue" and report["days_overdue"] == 2
    assert report["due_on"] == "2026-03-02" and report["due_at"] == "2026-03-02T15:30:00+00:00"
    assert report["facility_id"] == world["fac_a"].id and report["asset_id"] == world["tank_a"].id
    other = api_headers(world["users"]["operator_b"])
    r = client.get("/api/v1/reminders?as_of=2026-03-04", headers=other)
    assert not [i for i in r.json if i.get("release_id") == rid]


def test_evidence_file(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    import io

    op = api_headers(world["users"]["operator_a"])
    rid = world["release_a"].id
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = client.post(
        f"/api/v1/releases/{rid}/evidence",
        data={"file": (io.BytesIO(pdf), "abatement.pdf"), "note": "Initial abatement report"},
        headers=op,
    )
    assert r.status_code == 201, r.json
    assert r.json["kind"] == "file" and r.json["file_name"] == "abatement.pdf"
    bad = client.post(
        f"/api/v1/releases/{rid}/evidence",
        data={"file": (io.BytesIO(b"MZ..."), "x.exe")},
        headers=op,
    )
    assert bad.status_code == 422
    none = client.post(f"/api/v1/releases/{rid}/evidence", data={}, headers=op)
    assert none.status_code == 422
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
    got = client.get(f"/releases/{rid}/evidence/{r.json['id']}")
    assert got.status_code == 200 and got.data == pdf
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_b"].id)
    assert client.get(f"/releases/{rid}/evidence/{r.json['id']}").status_code == 404


def test_a_moment_without_offset_is_local_time(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    r = _open(client, h, world["fac_a"], discovered_at="2026-03-01T23:30:00")
    assert r.status_code == 201, r.json
    assert r.json["discovered_at"] == "2026-03-01T15:30:00+00:00"
    steps = {s["code"]: s for s in r.json["steps"]}
    assert steps["report_emergency"]["due_at"] == "2026-03-02T15:30:00+00:00"
