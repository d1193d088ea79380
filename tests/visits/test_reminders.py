"""Open violations are reminders: API, digest items, calendar; corrected ones leave the list."""

from __future__ import annotations

from datetime import date

from registry.compliance.calendar import build_feed
from registry.compliance.services import due_items


def _open_violation(post_visit, world) -> dict:
    visit = post_visit(
        world["fac_a"], violations=[{"code": "BJ-LD-01", "asset_id": world["tank_a"].id}]
    ).get_json()
    return dict(visit["violations"][0])


def test_an_open_violation_is_a_reminder(client, world, api_headers, post_visit) -> None:
    v = _open_violation(post_visit, world)  # due 2025-03-17 (7 days)
    headers = api_headers(world["users"]["operator_a"])
    items = client.get("/api/v1/reminders?as_of=2025-03-20", headers=headers).get_json()
    mine = [i for i in items if i.get("violation_id") == v["id"]]
    assert len(mine) == 1
    item = mine[0]
    assert item["obligation"] == "BJ-LD-01"
    assert item["facility_id"] == world["fac_a"].id
    assert item["asset_id"] == world["tank_a"].id
    assert item["due_on"] == "2025-03-17"
    assert item["days_overdue"] == 3 and item["state"] == "overdue"
    soon = client.get("/api/v1/reminders?as_of=2025-03-10", headers=headers).get_json()
    assert [i["state"] for i in soon if i.get("violation_id") == v["id"]] == ["due_soon"]
    others = api_headers(world["users"]["operator_b"])
    theirs = client.get("/api/v1/reminders?as_of=2025-03-20", headers=others).get_json()
    assert all(i.get("violation_id") != v["id"] for i in theirs)


def test_a_corrected_violation_leaves_the_list(client, world, api_headers, post_visit) -> None:
    v = _open_violation(post_visit, world)
    headers = api_headers(world["users"]["operator_a"])
    fixed = client.post(
        f"/api/v1/violations/{v['id']}/corrected",
        json={"corrected_on": "2025-03-15"},
        headers=headers,
    )
    assert fixed.status_code == 200
    items = client.get("/api/v1/reminders?as_of=2025-03-20", headers=headers).get_json()
    assert all(i.get("violation_id") != v["id"] for i in items)


def test_digest_and_calendar_carry_it(app, world, post_visit) -> None:
    v = _open_violation(post_visit, world)
    with app.test_request_context():
        items = due_items(as_of=date(2025, 3, 20), organization_id=world["org_a"].id)
        mine = [i for i in items if i.extra.get("violation_id") == v["id"]]
        assert len(mine) == 1 and mine[0].source == "violation"
        feed = build_feed(
            mine,
            name="甲公司",
            locale="zh",
            base_url="https://r.example",
            stamp_day=date(2025, 3, 20),
        ).decode()
    assert f"violation-{v['id']}" in feed
    assert f"https://r.example/compliance-inspections/{v['compliance_inspection_id']}" in feed
