"""Filings: submit, return with a comment, refile, accept, the signal, the diff, the audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.core import signals
from registry.core.dates import today
from registry.extensions import db
from registry.filings import services
from registry.filings.models import Filing
from tests.forms import confirm_form
from tests.forms import consequences


@pytest.fixture
def accepted_events(app: Any) -> Iterator[list[dict[str, Any]]]:
    """Collect filing_accepted signals."""
    seen: list[dict[str, Any]] = []

    def receiver(sender: Any, **kw: Any) -> None:
        seen.append({"sender": sender, "filing_id": kw["filing"].id, **kw})

    signals.filing_accepted.connect(receiver)
    yield seen
    signals.filing_accepted.disconnect(receiver)


def _facility_page(client: Any, facility: Any) -> str:
    r = client.get(f"/facilities/{facility.id}")
    assert r.status_code == 200
    return str(r.get_data(as_text=True))


def test_api_flow_submit_return_refile_accept(
    client: Any, world: dict[str, Any], api_headers: Any, accepted_events: list[Any]
) -> None:
    op = api_headers(world["users"]["operator_b"])
    reg = api_headers(world["users"]["regulator"])
    fac = world["fac_b"]
    r = client.post(f"/api/v1/facilities/{fac.id}/filings", json={"note": "首次填报"}, headers=op)
    assert r.status_code == 201, r.json
    first = r.json
    assert first["status"] == "submitted" and first["facility_id"] == fac.id
    tags = {a["tag"] for a in first["snapshot"]["assets"]}
    assert len(tags) == 2 and first["snapshot"]["facility"]["name"] == "乙加油站"
    assert first["problems"] == [] and first["problem_count"] == 0
    # Only one waiting at a time.
    r = client.post(f"/api/v1/facilities/{fac.id}/filings", json={}, headers=op)
    assert r.status_code == 409 and "等待审核" in r.json["message"]
    # Returning needs a comment.
    r = client.post(f"/api/v1/filings/{first['id']}/return", json={}, headers=reg)
    assert r.status_code == 422 and "comment" in str(r.json["errors"])
    r = client.post(f"/api/v1/filings/{first['id']}/return", json={"comment": " "}, headers=reg)
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/filings/{first['id']}/return", json={"comment": "请补充储罐容积"}, headers=reg
    )
    assert r.status_code == 200 and r.json["status"] == "returned"
    assert r.json["comment"] == "请补充储罐容积"
    assert r.json["reviewed_by"]["id"] == world["users"]["regulator"].id
    # A decided filing cannot be decided again.
    r = client.post(f"/api/v1/filings/{first['id']}/accept", json={}, headers=reg)
    assert r.status_code == 409
    assert accepted_events == []
    # The operator sees the status and the comment.
    r = client.get(f"/api/v1/filings/{first['id']}", headers=op)
    assert r.json["status"] == "returned" and r.json["comment"] == "请补充储罐容积"
    # ... and files again.
    r = client.post(f"/api/v1/facilities/{fac.id}/filings", headers=op)
    assert r.status_code == 201
    second = r.json
    assert second["id"] != first["id"]
    r = client.post(f"/api/v1/filings/{second['id']}/accept", json={}, headers=reg)
    assert r.status_code == 200 and r.json["status"] == "accepted"
    assert r.json["accepted_on"] == today().isoformat()
    assert len(accepted_events) == 1
    event = accepted_events[0]
    assert event["facility_id"] == fac.id and event["accepted_on"] == today()
    assert event["filing_id"] == second["id"] and event["sender"] is client.application
    r = client.get(f"/api/v1/facilities/{fac.id}/filings", headers=op)
    assert [f["status"] for f in r.json] == ["accepted", "returned"]
    # A new filing is possible once the last one is decided.
    assert client.post(f"/api/v1/facilities/{fac.id}/filings", headers=op).status_code == 201


def test_review_queue_lists_waiting_filings(
    client: Any, world: dict[str, Any], login_as: Any
) -> None:
    services.submit_filing(world["fac_b"], submitted_by=world["users"]["operator_b"])
    db.session.commit()
    login_as("regulator")
    page = client.get("/filings?status=submitted").get_data(as_text=True)
    assert "甲加油站" in page and "乙加油站" in page
    filing = world["filing_a"]
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert f'action="/filings/{filing.id}/accept"' in page
    assert 'name="csrf_token"' in page


def test_web_flow_with_operator_view(
    client: Any, world: dict[str, Any], accepted_events: list[Any]
) -> None:
    users = world["users"]
    fac = world["fac_a"]
    filing = world["filing_a"]

    def as_user(user: Any) -> None:
        with client.session_transaction() as sess:
            sess["_user_id"] = str(user.id)

    as_user(users["regulator"])
    r = client.post(f"/filings/{filing.id}/return", data={"comment": ""})
    assert r.status_code == 422
    r = client.post(f"/filings/{filing.id}/return", data={"comment": "坐标有误，请核实"})
    assert r.status_code == 302
    as_user(users["operator_a"])
    page = _facility_page(client, fac)
    assert "坐标有误，请核实" in page
    # Refile from the web.
    assert client.get(f"/facilities/{fac.id}/filings/new").status_code == 200
    r = client.post(f"/facilities/{fac.id}/filings/new", data={"note": "已核实"})
    assert r.status_code == 302
    new_id = int(re.search(r"/filings/(\d+)", r.headers["Location"]).group(1))  # type: ignore[union-attr]
    r = client.post(f"/facilities/{fac.id}/filings/new", data={})
    assert r.status_code == 409
    # Operators cannot decide.
    assert client.post(f"/filings/{new_id}/accept", data={}).status_code == 403
    as_user(users["regulator"])
    assert client.post(f"/filings/{new_id}/accept", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Filing, new_id).status == "accepted"  # type: ignore[union-attr]
    assert [e["filing_id"] for e in accepted_events] == [new_id]


def test_status_changes_are_audited(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    filing = world["filing_a"]
    reg = world["users"]["regulator"]
    client.post(f"/api/v1/filings/{filing.id}/accept", json={}, headers=api_headers(reg))
    db.session.expire_all()
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "filing", AuditEvent.row_id == filing.id)
            .order_by(AuditEvent.id)
        )
    )
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].changes["status"] == [None, "submitted"]
    assert events[1].changes["status"] == ["submitted", "accepted"]
    assert events[1].user_id == reg.id


def test_changes_since_last_accepted_filing(
    client: Any, world: dict[str, Any], make_asset: Any, login_as: Any
) -> None:
    fac, tank, pipe = world["fac_a"], world["tank_a"], world["pipe_a"]
    filing = world["filing_a"]
    first = services.changes_of(filing)
    assert first["first"] and {a["id"] for a in first["added"]} == {tank.id, pipe.id}
    services.accept_filing(filing, reviewed_by=world["users"]["regulator"])
    db.session.commit()
    _, nothing = services.changes_since_accepted(fac)
    assert nothing["empty"] and not nothing["first"]
    # Change a field of the facility and of a tank, add a pipeline, retire nothing, remove none.
    fac.address = "北京市东城区新地址2号"
    tank.wall = "single"
    tank.anti_seepage = "seepage_pit"
    tank.leak_detection = ["observation_pipe"]
    db.session.commit()
    added = make_asset(fac, kind="pipeline", operator_ref="P-NEW")
    _, changes = services.changes_since_accepted(fac)
    assert [c["field"] for c in changes["facility"]] == ["address"]
    assert [a["id"] for a in changes["added"]] == [added.id]
    assert changes["removed"] == []
    (item,) = changes["changed"]
    assert item["asset"]["id"] == tank.id
    fields = {c["field"]: (c["old"], c["new"]) for c in item["fields"]}
    assert fields == {
        "wall": ("double", "single"),
        "anti_seepage": ("double_wall", "seepage_pit"),
        "leak_detection": (["interstitial"], ["observation_pipe"]),
    }
    # The facility page shows it with labels, not codes.
    login_as("regulator", locale="en")
    page = _facility_page(client, fac)
    diff_html = page[page.index('class="diff"') :]
    assert 'data-field="anti_seepage"><th scope="row">Anti-seepage measure</th>' in diff_html
    assert "<td>Double wall</td><td>Seepage pit</td>" in diff_html
    assert "Observation pipe" in diff_html and "seepage_pit" not in diff_html
    assert "P-NEW" in diff_html and "新地址" in diff_html
    # A second filing compares with the accepted one; the removed asset shows as removed.
    second = services.submit_filing(fac, submitted_by=world["users"]["operator_a"])
    db.session.commit()
    second.snapshot.data["assets"] = [
        a for a in second.snapshot.data["assets"] if a["id"] != pipe.id
    ]
    diff = services.changes_of(second)
    assert [a["id"] for a in diff["removed"]] == [pipe.id]


def test_problems_are_filed_with_the_snapshot(
    client: Any, world: dict[str, Any], make_asset: Any, api_headers: Any
) -> None:
    bad = make_asset(world["fac_b"], installed_on=None, capacity_litres=None)
    r = client.post(
        f"/api/v1/facilities/{world['fac_b'].id}/filings",
        json={},
        headers=api_headers(world["users"]["regulator"]),
    )
    assert r.status_code == 201
    assert {(p["code"], p["asset_id"]) for p in r.json["problems"]} == {
        ("missing_installed_on", bad.id),
        ("missing_capacity", bad.id),
    }
    assert r.json["problem_count"] == 2
    # Fixing the asset later does not change what was filed.
    bad.installed_on = date(2018, 3, 1)
    db.session.commit()
    again = client.get(
        f"/api/v1/filings/{r.json['id']}", headers=api_headers(world["users"]["operator_b"])
    )
    assert again.json["problem_count"] == 2 and len(again.json["problems"]) == 2


def test_review_page_shows_the_filed_data_before_the_decision(
    client: Any, world: dict[str, Any], login_as: Any
) -> None:
    login_as("regulator", locale="en")
    page = client.get(f"/filings/{world['filing_a'].id}").get_data(as_text=True)
    assert page.index("As filed") < page.index('id="decision"')
    assert page.index("甲加油站", page.index("As filed")) < page.index('id="decision"')
    decision = page[page.index('id="decision"') :]
    assert decision.count('name="confirm" value="1"') == 2


def test_accept_and_return_buttons_ask_first(
    client: Any, world: dict[str, Any], login_as: Any, accepted_events: list[Any]
) -> None:
    filing = world["filing_a"]
    login_as("regulator", locale="en")
    asked = client.post(f"/filings/{filing.id}/accept", data={"confirm": "1"})
    assert asked.status_code == 200
    said = consequences(asked.get_data(as_text=True))
    assert "The filing of 甲加油站" in said and "becomes the facility's accepted record" in said
    blank = client.post(f"/filings/{filing.id}/return", data={"comment": "", "confirm": "1"})
    assert blank.status_code == 422 and "data-confirm-form" not in blank.get_data(as_text=True)
    asked = client.post(
        f"/filings/{filing.id}/return", data={"comment": "地址有误", "confirm": "1"}
    )
    assert asked.status_code == 200
    assert "goes back to" in consequences(asked.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Filing, filing.id).status == "submitted"  # type: ignore[union-attr]
    action, fields = confirm_form(asked.get_data(as_text=True))
    assert (action, fields) == (f"/filings/{filing.id}/return", [("comment", "地址有误")])
    assert client.post(action, data=dict(fields)).status_code == 302
    db.session.expire_all()
    returned = db.session.get(Filing, filing.id)
    assert returned is not None and (returned.status, returned.comment) == ("returned", "地址有误")
    assert accepted_events == []


def test_accept_question_in_chinese(client: Any, world: dict[str, Any], login_as: Any) -> None:
    login_as("regulator", locale="zh")
    asked = client.post(f"/filings/{world['filing_a'].id}/accept", data={"confirm": "1"})
    assert asked.status_code == 200
    assert "成为该设施已受理的信息" in consequences(asked.get_data(as_text=True))
