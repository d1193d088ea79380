"""Reminders: the API contract, states at the window's edges, statement count, CLI."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from registry.assets.models import Asset
from registry.assets.models import Tank
from registry.compliance import services as compliance_services
from registry.compliance.due import sort_key
from registry.compliance.services import due_items
from registry.core.types import utcnow
from registry.extensions import db as _db

D = date.fromisoformat


def test_reminders_api_contract(client: Any, world: Any, api_headers: Any, record: Any) -> None:
    tank = world["tank_a"]  # installed 2020-01-15: patrol first due 2020-02-14
    record(tank, "patrol", "2026-10-30")  # due 2026-11-29: due soon on 2026-11-20
    record(tank, "interstitial_monitoring_check", "2026-11-15")  # due 2026-12-15: ok
    headers = api_headers(world["users"]["operator_a"])
    resp = client.get("/api/v1/reminders?as_of=2026-11-20", headers=headers)
    assert resp.status_code == 200
    items = resp.get_json()
    mine = {(i["asset_id"], i["obligation"]): i for i in items}
    assert {i["organization_id"] for i in items} == {world["org_a"].id}
    patrol = mine[(tank.id, "patrol")]
    assert patrol == {
        "asset_id": tank.id,
        "asset_tag": patrol["asset_tag"],
        "facility_id": world["fac_a"].id,
        "organization_id": world["org_a"].id,
        "obligation": "patrol",
        "title": patrol["title"],
        "due_on": "2026-11-29",
        "days_overdue": 0,
        "state": "due_soon",
    }
    assert patrol["asset_tag"].replace("-", "") == tank.tag
    assert (tank.id, "interstitial_monitoring_check") not in mine  # ok items are left out
    equipment = mine[(tank.id, "leak_detection_equipment_check")]  # never done: 2021-01-15
    assert equipment["state"] == "overdue"
    assert equipment["due_on"] == "2021-01-15"
    assert equipment["days_overdue"] == (D("2026-11-20") - D("2021-01-15")).days
    report = mine[(None, "basic_information_report")]
    assert report["asset_tag"] is None and report["facility_id"] == world["fac_a"].id
    # most overdue first
    assert [i["due_on"] for i in items] == sorted(i["due_on"] for i in items)
    # another organization's operator asking for org A sees nothing of it
    other = api_headers(world["users"]["operator_b"])
    resp = client.get(f"/api/v1/reminders?organization_id={world['org_a'].id}", headers=other)
    assert resp.get_json() == []


def test_window_edges(app: Any, make_asset: Any, record: Any) -> None:
    tank = make_asset(installed_on=D("2020-01-01"))
    record(tank, "interstitial_monitoring_check", "2026-10-21")  # due 2026-11-20
    record(tank, "leak_detection_equipment_check", "2025-12-04")  # due 2026-12-04
    record(tank, "patrol", "2026-11-05")  # due 2026-12-05
    got = {
        i.obligation: i
        for i in due_items(as_of=D("2026-11-20"), include_ok=True, horizon_days=99)
        if i.asset_id == tank.id
    }
    assert got["interstitial_monitoring_check"].state == "due_soon"  # due today: not yet late
    assert got["leak_detection_equipment_check"].state == "due_soon"  # today + 14
    assert got["patrol"].state == "ok"  # today + 15
    got = {
        i.obligation: i
        for i in due_items(as_of=D("2026-11-21"), include_ok=True, horizon_days=99)
        if i.asset_id == tank.id
    }
    assert got["interstitial_monitoring_check"].state == "overdue"
    assert got["interstitial_monitoring_check"].days_overdue == 1
    assert got["patrol"].state == "due_soon"


def test_items_come_in_sort_key_order(app: Any, make_facility: Any, make_asset: Any) -> None:
    # The engine sorts by a packed integer: ties on the day must still go by facility, asset id
    # and obligation code, as sort_key says.
    first, second = make_facility(), make_facility()
    for facility in (second, first, second, first):
        make_asset(facility=facility, installed_on=D("2020-01-15"), wall="double")
    items = due_items(as_of=D("2026-11-20"), include_ok=True, horizon_days=400)
    assert items == sorted(items, key=sort_key)
    ours = [sort_key(i) for i in items if i.facility_id in (first.id, second.id)]
    assert len({key[0] for key in ours}) < len(ours) > 8  # ties on the day were there to break


def _bulk_assets(facility: Any, n: int) -> None:
    rows = [
        {
            "facility_id": facility.id,
            "kind": "tank",
            "tag": f"BULK{facility.id:04d}{i:08d}",
            "substance": "diesel",
            "status": "in_service",
            "installed_on": D("2019-05-31"),
            "wall": "double",
            "leak_detection": ["interstitial"],
            "red_tagged": False,
            "version": 1,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(n)
    ]
    _db.session.execute(sa.insert(Asset.__table__), rows)
    ids = _db.session.scalars(
        sa.select(Asset.id).where(Asset.tag.like(f"BULK{facility.id:04d}%"))
    ).all()
    _db.session.execute(
        sa.insert(Tank.__table__),
        [
            {"id": i, "compartments": 1, "spill_containment": False, "overfill_prevention": False}
            for i in ids
        ],
    )
    _db.session.commit()


def _count_statements(as_of: date) -> tuple[int, int]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    target = _db.session.connection().engine
    event.listen(target, "before_cursor_execute", count)
    try:
        items = due_items(as_of=as_of)
    finally:
        event.remove(target, "before_cursor_execute", count)
    return len(seen), len(items)


def test_statement_count_does_not_grow_with_assets(app: Any, make_facility: Any) -> None:
    small = make_facility()
    _bulk_assets(small, 10)
    few_statements, few_items = _count_statements(D("2026-11-20"))
    big = make_facility()
    _bulk_assets(big, 990)
    many_statements, many_items = _count_statements(D("2026-11-20"))
    assert many_items >= few_items + 990 * 3  # every bulk tank has 3 overdue obligations
    assert few_statements == many_statements
    # The engine's own two queries, plus at most one per extra reminder source (corrective
    # actions, monitoring alerts): none of them may grow with the number of assets.
    assert many_statements <= 2 + len(compliance_services._SOURCES)


def test_cli_reminders_json_and_table(app: Any, world: Any) -> None:
    runner = app.test_cli_runner()
    code = world["org_a"].credit_code
    result = runner.invoke(args=["reminders", "--as-of", "2026-11-20", "--org", code, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["organization_id"] for r in rows} == {world["org_a"].id}
    assert set(rows[0]) == {
        "asset_id",
        "asset_tag",
        "facility_id",
        "organization_id",
        "obligation",
        "title",
        "due_on",
        "days_overdue",
        "state",
    }
    table = runner.invoke(args=["reminders", "--as-of", "2026-11-20", "--org", code])
    assert table.exit_code == 0 and f"{len(rows)} items" in table.output
    bad = runner.invoke(args=["reminders", "--org", "NOPE"])
    assert bad.exit_code != 0
