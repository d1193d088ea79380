"""A passing re-inspection verifies the corrective actions of the items it found compliant."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.inspections.models import CorrectiveAction

# Days before today (a certificate needs an inspection younger than its validity).
_BASE = date.today() - timedelta(days=30)


def _at(days: int, clock: str) -> str:
    """Return a Beijing time `days` after the base day."""
    return f"{(_BASE + timedelta(days=days)).isoformat()}T{clock}+08:00"


FAILED_AT = _at(0, "09:30:00")
RECHECKED_AT = _at(9, "10:00:00")
# interstice_dry is critical and leak_monitor_ok high: both block a certificate while open.
FAILING = {"interstice_dry": "no", "leak_monitor_ok": "no"}


def _answers(body: dict[str, Any], **values: Any) -> list[dict[str, Any]]:
    out = []
    for answer in body["answers"]:
        value = values.get(answer["item"], answer["value"])
        out.append({**answer, "value": value})
    return out


def _failed(client: Any, h: dict[str, str], tank: Any, passing_body: Any, **kw: Any) -> Any:
    """Record a failed inspection of the tank: two findings opened by answers, and any given."""
    body = passing_body(tank, result="fail", performed_at=FAILED_AT, **kw)
    body["answers"] = _answers(body, **FAILING)
    r = client.post("/api/v1/inspections", json=body, headers=h)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _actions(failed: dict[str, Any]) -> dict[str | None, CorrectiveAction]:
    db.session.expire_all()
    return {
        f["item"]: db.session.get(CorrectiveAction, f["corrective_action"]["id"])
        for f in failed["findings"]
    }


def _recheck(
    client: Any, h: dict[str, str], tank: Any, passing_body: Any, **values: Any
) -> dict[str, Any]:
    body = passing_body(tank, performed_at=RECHECKED_AT)
    body["answers"] = _answers(body, **values)
    r = client.post("/api/v1/inspections", json=body, headers=h)
    assert r.status_code == 201, r.get_json()
    return r.get_json() | {"_body": body}


def _issue(client: Any, h: dict[str, str], inspection_id: int) -> Any:
    return client.post("/api/v1/certificates", json={"inspection_id": inspection_id}, headers=h)


def test_passing_reinspection_verifies_and_the_certificate_issues_at_once(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any, passing_body: Any
) -> None:
    tank = make_asset(facility=world["fac_a"])
    inspector = world["users"]["inspector"]
    h = api_headers(inspector)
    failed = _failed(client, h, tank, passing_body)
    assert set(_actions(failed)) == set(FAILING)
    refused = _issue(client, h, failed["id"])
    assert refused.status_code == 422
    # the operator fixed one of them; the other is still open: both are verified on site
    op = api_headers(world["users"]["operator_a"])
    fix_id = failed["findings"][0]["corrective_action"]["id"]
    fixed = client.post(f"/api/v1/corrective-actions/{fix_id}/fix", json={}, headers=op)
    assert fixed.status_code == 200
    before = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "corrective_action")
    )
    again = _recheck(client, h, tank, passing_body)
    assert again["result"] == "pass"
    for action in _actions(failed).values():
        assert action.status == "verified"
        assert action.verified_by_inspection_id == again["id"]
        assert action.verified_by_id == inspector.id and action.verified_at is not None
    listed = client.get(f"/api/v1/inspections/{failed['id']}", headers=h).get_json()
    assert {f["corrective_action"]["verified_by_inspection_id"] for f in listed["findings"]} == {
        again["id"]
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "corrective_action")
        .order_by(AuditEvent.id)
        .offset(before)
    ).all()
    updates = [e for e in events if e.action == "update"]
    assert sorted(e.row_id for e in updates) == sorted(
        f["corrective_action"]["id"] for f in failed["findings"]
    )
    assert all("verified_by_inspection_id" in e.changes for e in updates), updates
    issued = _issue(client, h, again["id"])
    assert issued.status_code == 201, issued.get_json()
    assert issued.get_json()["status"] == "valid"


def test_items_not_rechecked_stay_open(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any, passing_body: Any
) -> None:
    tank = make_asset(facility=world["fac_a"])
    h = api_headers(world["users"]["inspector"])
    given = [{"severity": "high", "description": "Fill cap loose", "due_on": None}]
    failed = _failed(client, h, tank, passing_body, findings=given)
    # interstice_dry answered n/a: not re-checked; the given finding has no item at all
    again = _recheck(client, h, tank, passing_body, interstice_dry="na")
    actions = _actions(failed)
    assert actions["leak_monitor_ok"].status == "verified"
    assert actions["leak_monitor_ok"].verified_by_inspection_id == again["id"]
    for item in ("interstice_dry", None):
        assert actions[item].status == "open" and actions[item].verified_by_inspection_id is None
    refused = _issue(client, h, again["id"])
    assert refused.status_code == 422
    assert "open_findings" in str(refused.get_json())


def _level_fails_above(monkeypatch: Any, cm: float) -> None:
    """Give the shipped checklist's optional product_level_cm a compliant maximum: the pack
    has no optional item that can fail, and this test needs one."""
    import registry.inspections.services as services

    real = services.load_checklist

    def patched(pack: str | None = None) -> Any:
        checklist = real(pack)
        items = tuple(
            replace(i, max=cm) if i.code == "product_level_cm" else i for i in checklist.items
        )
        return replace(checklist, items=items)

    monkeypatch.setattr(services, "load_checklist", patched)


def test_missing_answer_leaves_the_finding_open(
    client: Any,
    world: dict[str, Any],
    make_asset: Any,
    api_headers: Any,
    passing_body: Any,
    monkeypatch: Any,
) -> None:
    tank = make_asset(facility=world["fac_a"])
    h = api_headers(world["users"]["inspector"])
    # product_level_cm is optional: above 300 cm (here) it fails (a low finding)
    _level_fails_above(monkeypatch, 300)
    failed = _failed(client, h, tank, passing_body)
    body = passing_body(tank, result="fail", performed_at=_at(1, "09:30:00"))
    body["answers"] = _answers(body, product_level_cm=400)
    level = client.post("/api/v1/inspections", json=body, headers=h).get_json()
    assert [f["item"] for f in level["findings"]] == ["product_level_cm"]
    again = passing_body(tank, performed_at=RECHECKED_AT)
    again["answers"] = [a for a in again["answers"] if a["item"] != "product_level_cm"]
    r = client.post("/api/v1/inspections", json=again, headers=h)
    assert r.status_code == 201 and r.get_json()["result"] == "pass"
    assert _actions(level)["product_level_cm"].status == "open"
    assert {a.status for a in _actions(failed).values()} == {"verified"}


def test_failing_reinspection_verifies_nothing(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any, passing_body: Any
) -> None:
    tank = make_asset(facility=world["fac_a"])
    h = api_headers(world["users"]["inspector"])
    failed = _failed(client, h, tank, passing_body)
    body = passing_body(tank, performed_at=RECHECKED_AT, result="fail")
    body["answers"] = _answers(body, tag_legible="no")  # the two items now compliant
    r = client.post("/api/v1/inspections", json=body, headers=h)
    assert r.status_code == 201 and r.get_json()["result"] == "fail"
    assert {a.status for a in _actions(failed).values()} == {"open"}
    # declared failed by the inspector, with every answer compliant: nothing verified either
    body = passing_body(tank, performed_at=_at(10, "10:00:00"), result="fail")
    assert client.post("/api/v1/inspections", json=body, headers=h).status_code == 201
    assert {a.status for a in _actions(failed).values()} == {"open"}


def test_replay_does_not_verify_twice(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any, passing_body: Any
) -> None:
    tank = make_asset(facility=world["fac_a"])
    h = api_headers(world["users"]["inspector"])
    failed = _failed(client, h, tank, passing_body)
    again = _recheck(client, h, tank, passing_body)
    action = _actions(failed)["interstice_dry"]
    verified_at = action.verified_at
    # the inspector reopens one (the fix did not hold); the phone's queue resends the body
    r = client.post(f"/api/v1/corrective-actions/{action.id}/reopen", json={}, headers=h)
    assert r.get_json()["status"] == "open" and r.get_json()["verified_by_inspection_id"] is None
    replay = client.post("/api/v1/inspections", json=again["_body"], headers=h)
    assert replay.status_code == 200 and replay.get_json()["id"] == again["id"]
    actions = _actions(failed)
    assert actions["interstice_dry"].status == "open"
    assert actions["leak_monitor_ok"].status == "verified"
    assert actions["leak_monitor_ok"].verified_at == verified_at


def test_queued_inspection_performed_before_the_failure_verifies_nothing(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any, passing_body: Any
) -> None:
    tank = make_asset(facility=world["fac_a"])
    h = api_headers(world["users"]["inspector"])
    failed = _failed(client, h, tank, passing_body)
    earlier = passing_body(tank, performed_at=_at(-9, "10:00:00"))
    r = client.post("/api/v1/inspections", json=earlier, headers=h)
    assert r.status_code == 201 and r.get_json()["result"] == "pass"
    assert {a.status for a in _actions(failed).values()} == {"open"}


def test_reinspection_from_the_web_form_and_the_pages_say_so(
    app: Any,
    client: Any,
    world: dict[str, Any],
    make_asset: Any,
    api_headers: Any,
    passing_body: Any,
) -> None:
    from registry.inspections.checklists import load_checklist

    tank = make_asset(facility=world["fac_a"])
    inspector = world["users"]["inspector"]
    failed = _failed(client, api_headers(inspector), tank, passing_body)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(inspector.id)
        sess["_fresh"] = True
    fields: dict[str, Any] = {"client_uuid": str(uuid.uuid4())}
    for item in load_checklist().for_asset(tank):
        if item.type == "yesno":
            fields[f"answer-{item.code}"] = "yes"
        elif item.type == "number" and item.required:
            fields[f"answer-{item.code}"] = str(item.max)
    r = client.post(f"/assets/{tank.id}/inspect", data=fields)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    new_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert {a.verified_by_inspection_id for a in _actions(failed).values()} == {new_id}
    pages = {}
    for lang in ("en", "zh"):
        html = client.get(
            f"/inspections/{failed['id']}", headers={"Accept-Language": lang}
        ).get_data(as_text=True)
        assert html.count(f'data-verified-by-inspection="{new_id}"') == 2
        assert f'href="/inspections/{new_id}"' in html
        pages[lang] = html
    assert f"Verified by inspection {new_id} on" in pages["en"]
    assert f"已由检查 {new_id} 于" in pages["zh"]
    html = client.get(f"/inspections/{new_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Corrective actions verified by this inspection" in html
    assert html.count("data-verified-action=") == 2
    assert f'href="/inspections/{failed["id"]}"' in html
