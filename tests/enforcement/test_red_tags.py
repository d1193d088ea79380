"""Red tags: place and lift via the pages and the API, one at a time, records, audit, signals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.models import AuditEvent
from registry.core import signals
from registry.enforcement.models import RedTag
from registry.enforcement.services import active_red_tags
from registry.extensions import db
from tests.forms import confirm_form
from tests.forms import consequences
from tests.helpers import log_in


@pytest.fixture
def tag_events(app: Any) -> Iterator[list[tuple[int, bool]]]:
    seen: list[tuple[int, bool]] = []

    def receiver(sender: Any, *, asset: Any, red_tag: Any, placed: bool) -> None:
        seen.append((asset.id, placed))

    signals.red_tag_changed.connect(receiver)
    yield seen
    signals.red_tag_changed.disconnect(receiver)


def _asset(asset_id: int) -> Asset:
    db.session.expire_all()
    found = db.session.get(Asset, asset_id)
    assert found is not None
    return found


def test_api_place_and_lift(
    client: Any, world: dict[str, Any], api_headers: Any, tag_events: list[Any]
) -> None:
    tank = world["tank_a"]
    insp = world["users"]["inspector"]
    h = api_headers(insp)
    r = client.post(
        f"/api/v1/assets/{tank.id}/red-tag",
        json={"reason": "单层罐未设防渗池", "legal_basis": "GB 50156-2021 6.5.2"},
        headers=h,
    )
    assert r.status_code == 201, r.json
    body = r.json
    assert body["active"] is True and body["reason"] == "单层罐未设防渗池"
    assert body["placed_by"]["id"] == insp.id and body["placed_at"]
    assert client.get(f"/api/v1/assets/{tank.id}", headers=h).json["red_tagged"] is True
    # A second tag on a tagged asset is refused.
    r = client.post(f"/api/v1/assets/{tank.id}/red-tag", json={"reason": "again"}, headers=h)
    assert r.status_code == 409
    # The contract's body {reason} alone is enough.
    other = world["pipe_a"]
    r = client.post(f"/api/v1/assets/{other.id}/red-tag", json={"reason": "管线渗漏"}, headers=h)
    assert r.status_code == 201 and r.json["legal_basis"] is None
    # A reason is required.
    r = client.post(f"/api/v1/assets/{world['tank_b'].id}/red-tag", json={}, headers=h)
    assert r.status_code == 422
    reg = world["users"]["regulator"]
    r = client.delete(
        f"/api/v1/assets/{tank.id}/red-tag", json={"note": "已加装防渗池"}, headers=api_headers(reg)
    )
    assert r.status_code == 200
    assert r.json["active"] is False and r.json["lift_note"] == "已加装防渗池"
    assert r.json["lifted_by"]["id"] == reg.id and r.json["lifted_at"]
    assert client.get(f"/api/v1/assets/{tank.id}", headers=h).json["red_tagged"] is False
    assert client.delete(f"/api/v1/assets/{tank.id}/red-tag", headers=h).status_code == 409
    # Without a body too.
    assert client.delete(f"/api/v1/assets/{other.id}/red-tag", headers=h).status_code == 200
    assert tag_events == [(tank.id, True), (other.id, True), (tank.id, False), (other.id, False)]
    record = client.get(f"/api/v1/assets/{tank.id}/red-tags", headers=h).json
    assert len(record) == 1 and record[0]["placed_by"]["id"] == insp.id


def test_operators_cannot_tag_or_lift(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    tank = world["tank_a"]
    op_a = api_headers(world["users"]["operator_a"])
    op_b = api_headers(world["users"]["operator_b"])
    body = {"reason": "x", "legal_basis": "y"}
    assert (
        client.post(f"/api/v1/assets/{tank.id}/red-tag", json=body, headers=op_a).status_code == 403
    )
    assert (
        client.post(f"/api/v1/assets/{tank.id}/red-tag", json=body, headers=op_b).status_code == 404
    )
    client.post(
        f"/api/v1/assets/{tank.id}/red-tag",
        json=body,
        headers=api_headers(world["users"]["regulator"]),
    )
    assert client.delete(f"/api/v1/assets/{tank.id}/red-tag", headers=op_a).status_code == 403
    assert _asset(tank.id).red_tagged is True
    log_in(client, world["users"]["operator_a"])
    assert client.post(f"/assets/{tank.id}/red-tag/lift", data={"note": "n"}).status_code == 403
    assert client.get(f"/assets/{tank.id}/red-tag").status_code == 403


def test_patch_cannot_set_red_tagged(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    tank = world["tank_a"]
    h = api_headers(world["users"]["regulator"])
    r = client.patch(
        f"/api/v1/assets/{tank.id}", json={"version": tank.version, "red_tagged": True}, headers=h
    )
    assert r.status_code == 422 and "red_tagged" in str(r.json)
    assert _asset(tank.id).red_tagged is False
    # Web form posts ignore the field too.
    log_in(client, world["users"]["operator_a"])
    client.post(f"/assets/{tank.id}/edit", data={"version": str(tank.version), "red_tagged": "on"})
    assert _asset(tank.id).red_tagged is False


def test_web_place_and_lift_with_records(
    client: Any, world: dict[str, Any], tag_events: list[Any]
) -> None:
    tank = world["tank_a"]
    insp, reg = world["users"]["inspector"], world["users"]["regulator"]
    log_in(client, insp)
    r = client.post(
        f"/assets/{tank.id}/red-tag", data={"reason": "渗漏报警未处理", "legal_basis": ""}
    )
    assert r.status_code == 422 and "渗漏报警未处理" in r.get_data(as_text=True)
    r = client.post(
        f"/assets/{tank.id}/red-tag",
        data={"reason": "渗漏报警未处理", "legal_basis": "《北京市土壤污染防治条例》"},
    )
    assert r.status_code == 302
    assert _asset(tank.id).red_tagged is True
    r = client.post(f"/assets/{tank.id}/red-tag", data={"reason": "again", "legal_basis": "again"})
    assert r.status_code == 409
    # The operator sees why, on the asset and on the facility page.
    log_in(client, world["users"]["operator_a"])
    for url in (f"/assets/{tank.id}", f"/facilities/{world['fac_a'].id}"):
        page = client.get(url).get_data(as_text=True)
        assert "渗漏报警未处理" in page and "《北京市土壤污染防治条例》" in page
        assert "red-tag-banner" in page
    log_in(client, reg)
    assert client.post(f"/assets/{tank.id}/red-tag/lift", data={"note": ""}).status_code == 422
    assert (
        client.post(f"/assets/{tank.id}/red-tag/lift", data={"note": "已修复"}).status_code == 302
    )
    assert _asset(tank.id).red_tagged is False
    tags = list(db.session.scalars(select(RedTag).where(RedTag.asset_id == tank.id)))
    assert len(tags) == 1
    (rt,) = tags
    assert (rt.placed_by_id, rt.lifted_by_id, rt.lift_note) == (insp.id, reg.id, "已修复")
    assert rt.placed_at <= rt.lifted_at  # type: ignore[operator]
    # The asset page lists the record with who and when.
    page = client.get(f"/assets/{tank.id}").get_data(as_text=True)
    assert insp.email in page and reg.email in page and "已修复" in page
    assert "red-tag-banner" not in page
    assert tag_events == [(tank.id, True), (tank.id, False)]


def test_placements_and_lifts_are_audited(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    tank = world["tank_a"]
    insp = world["users"]["inspector"]
    h = api_headers(insp)
    rid = client.post(
        f"/api/v1/assets/{tank.id}/red-tag", json={"reason": "r", "legal_basis": "b"}, headers=h
    ).json["id"]
    client.delete(f"/api/v1/assets/{tank.id}/red-tag", json={"note": "n"}, headers=h)
    db.session.expire_all()
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "red_tag", AuditEvent.row_id == rid)
            .order_by(AuditEvent.id)
        )
    )
    assert [e.action for e in events] == ["create", "update"]
    assert all(e.user_id == insp.id for e in events)
    assert events[1].changes["lift_note"] == [None, "n"]
    asset_events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity == "asset",
                AuditEvent.row_id == tank.id,
                AuditEvent.action == "update",
            )
            .order_by(AuditEvent.id)
        )
    )
    assert [e.changes.get("red_tagged") for e in asset_events if "red_tagged" in e.changes] == [
        [False, True],
        [True, False],
    ]


def test_active_red_tags_of_an_organization(world: dict[str, Any]) -> None:
    from registry.enforcement.services import place_red_tag

    reg = world["users"]["regulator"]
    place_red_tag(world["tank_a"], reason="a", legal_basis="x", placed_by=reg)
    place_red_tag(world["tank_b"], reason="b", legal_basis="y", placed_by=reg)
    db.session.commit()
    tags = active_red_tags(world["org_a"].id)
    assert [(t.asset_id, t.reason, t.asset.facility.name) for t in tags] == [
        (world["tank_a"].id, "a", "甲加油站")
    ]
    assert len(active_red_tags()) == 2


def test_red_tag_list_is_scoped(client: Any, world: dict[str, Any]) -> None:
    from registry.enforcement.services import place_red_tag

    reg = world["users"]["regulator"]
    place_red_tag(world["tank_a"], reason="甲的原因", legal_basis="x", placed_by=reg)
    place_red_tag(world["tank_b"], reason="乙的原因", legal_basis="y", placed_by=reg)
    db.session.commit()
    log_in(client, world["users"]["operator_b"])
    page = client.get("/red-tags").get_data(as_text=True)
    assert "乙的原因" in page and "甲的原因" not in page
    log_in(client, world["users"]["viewer"])
    page = client.get("/red-tags").get_data(as_text=True)
    assert "乙的原因" in page and "甲的原因" in page
    page = client.get("/red-tags?state=lifted").get_data(as_text=True)
    assert "乙的原因" not in page


@pytest.mark.parametrize("page", ["/facilities", "/reminders"])
def test_operator_start_pages_say_why_deliveries_are_prohibited(
    client: Any, world: dict[str, Any], page: str
) -> None:
    from registry.enforcement.services import place_red_tag

    reg = world["users"]["regulator"]
    place_red_tag(world["tank_a"], reason="渗漏未整改", legal_basis="GB 50156 6.5", placed_by=reg)
    db.session.commit()
    log_in(client, world["users"]["operator_a"])
    html = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-operator-red-tags="1"' in html
    assert "渗漏未整改" in html and "GB 50156 6.5" in html and "DELIVERY PROHIBITED" in html
    log_in(client, world["users"]["operator_b"])
    html = client.get(page).get_data(as_text=True)
    assert "data-operator-red-tags" not in html and "渗漏未整改" not in html


def test_place_and_lift_buttons_ask_first(
    client: Any, world: dict[str, Any], login_as: Any, tag_events: list[Any]
) -> None:
    tank = world["tank_a"]
    login_as("inspector", locale="en")
    page = client.get(f"/assets/{tank.id}/red-tag").get_data(as_text=True)
    assert 'name="confirm" value="1"' in page
    typed = {"reason": "渗漏报警未处理", "legal_basis": "GB 50156-2021 6.5.2", "confirm": "1"}
    asked = client.post(f"/assets/{tank.id}/red-tag", data=typed)
    assert asked.status_code == 200
    said = consequences(asked.get_data(as_text=True))
    assert "are prohibited until the red tag is lifted" in said and "甲加油站" in said
    assert "渗漏报警未处理" in said and "GB 50156-2021 6.5.2" in said
    assert _asset(tank.id).red_tagged is False and tag_events == []
    action, fields = confirm_form(asked.get_data(as_text=True))
    assert action == f"/assets/{tank.id}/red-tag" and "confirm" not in dict(fields)
    assert client.post(action, data=dict(fields)).status_code == 302
    assert _asset(tank.id).red_tagged is True
    asked = client.post(f"/assets/{tank.id}/red-tag/lift", data={"note": "已修复", "confirm": "1"})
    assert asked.status_code == 200
    said = consequences(asked.get_data(as_text=True))
    assert "are allowed again" in said and "渗漏报警未处理" in said and "已修复" in said
    assert _asset(tank.id).red_tagged is True
    action, fields = confirm_form(asked.get_data(as_text=True))
    assert client.post(action, data=dict(fields)).status_code == 302
    assert _asset(tank.id).red_tagged is False


def test_red_tag_question_in_chinese(client: Any, world: dict[str, Any], login_as: Any) -> None:
    tank = world["tank_a"]
    login_as("regulator", locale="zh")
    typed = {"reason": "防渗措施缺失", "legal_basis": "GB 50156", "confirm": "1"}
    asked = client.post(f"/assets/{tank.id}/red-tag", data=typed)
    assert asked.status_code == 200
    assert "禁止" in consequences(asked.get_data(as_text=True))
    assert _asset(tank.id).red_tagged is False
