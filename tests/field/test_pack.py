"""GET /api/v1/field/pack: scope, paging, the cursor, plans, what each record carries."""

from __future__ import annotations

from typing import Any

from registry.core.dates import today
from registry.enforcement.services import place_red_tag
from registry.extensions import db
from registry.visits.models import InspectionPlan

PACK = "/api/v1/field/pack"


def _pack(client: Any, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = client.get(PACK, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _all_pages(client: Any, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    pages, after = [], 0
    while after is not None:
        page = _pack(client, headers, after=after, **query)
        pages.append(page)
        after = page["next"]
    return pages


def _ids(page: dict[str, Any]) -> list[int]:
    return [a["id"] for a in page["assets"]]


def test_inspector_carries_everything_with_cards_and_checklists(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    page = _pack(client, api_headers(world["users"]["inspector"]))
    assets = {a["id"]: a for a in page["assets"]}
    names = ("tank_a", "pipe_a", "tank_b", "pipe_b")
    assert set(assets) == {world[n].id for n in names}
    assert page["total"] == 4 and page["next"] is None and page["full"] is True
    tank = assets[world["tank_a"].id]
    assert tank["tag"] == world["tank_a"].tag and tank["kind"] == "tank"
    assert page["facilities"][str(world["fac_a"].id)]["name"] == "甲加油站"
    # The open finding of tank A is carried, the fixed one is not.
    assert [f[1] for f in tank["findings"]] == ["Fill cap loose"]
    assert tank["last"][1] == "fail"
    assert tank["due"] and all(len(d) == 3 for d in tank["due"])
    assert {d[2] for d in tank["due"]} <= {"ok", "due_soon", "overdue", "no_record"}
    # The questions of the form come once per set of items, as the form renders them.
    html = page["checklists"][tank["checklist"]]
    assert 'data-item="' in html and 'name="answer-' in html
    assert len(page["checklists"]) < len(assets)


def test_operator_never_gets_another_organizations_assets(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    headers = api_headers(world["users"]["operator_a"])
    page = _pack(client, headers)
    assert sorted(_ids(page)) == sorted([world["tank_a"].id, world["pipe_a"].id])
    assert {a["org"] for a in page["assets"]} == {world["org_a"].id}
    assert list(page["facilities"]) == [str(world["fac_a"].id)]
    assert page["checklists"] == {}  # operators do not inspect
    # Another organization's changes never reach it through the cursor either.
    world["tank_b"].operator_ref = "B-CHANGED"
    db.session.commit()
    later = _pack(client, headers, since=page["cursor"])
    assert later["assets"] == [] and later["removed"] == []


def test_pages_follow_ids(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    pages = _all_pages(client, api_headers(world["users"]["regulator"]), limit=1)
    ids = [i for p in pages for i in _ids(p)]
    assert len(pages) == 4 and ids == sorted(ids) and len(set(ids)) == 4
    assert {p["total"] for p in pages} == {4}


def test_cursor_returns_only_what_changed(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    headers = api_headers(world["users"]["inspector"])
    first = _pack(client, headers)
    assert _pack(client, headers, since=first["cursor"])["assets"] == []
    world["pipe_a"].operator_ref = "P-NEW"
    place_red_tag(world["tank_b"], reason="Overfill", placed_by=world["users"]["regulator"])
    db.session.commit()
    later = _pack(client, headers, since=first["cursor"])
    assert later["full"] is False and later["total"] == 2
    changed = {a["id"]: a for a in later["assets"]}
    assert set(changed) == {world["pipe_a"].id, world["tank_b"].id}
    assert changed[world["pipe_a"].id]["ref"] == "P-NEW"
    assert changed[world["tank_b"].id]["red"] == "Overfill"
    assert _pack(client, headers, since=later["cursor"])["assets"] == []


def test_assets_moved_away_are_removed_from_the_operator(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    headers = api_headers(world["users"]["operator_a"])
    first = _pack(client, headers)
    world["fac_a"].organization_id = world["org_b"].id  # sold: audited like every change
    db.session.commit()
    later = _pack(client, headers, since=first["cursor"])
    assert later["assets"] == []
    assert later["removed"] == sorted([world["tank_a"].id, world["pipe_a"].id])
    # The new owner gets them as changes; nobody else hears of them.
    owner = _pack(client, api_headers(world["users"]["operator_b"]), since=first["cursor"])
    assert sorted(_ids(owner)) == later["removed"] and owner["removed"] == []


def test_plan_mode_carries_todays_drawn_facilities(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    inspector = world["users"]["inspector"]
    db.session.add(
        InspectionPlan(
            seed=1,
            count=1,
            drawn_on=today(),
            facilities=[{"facility_id": world["fac_b"].id, "inspector_ids": [inspector.id]}],
        )
    )
    db.session.commit()
    page = _pack(client, api_headers(inspector), mode="plan")
    assert sorted(_ids(page)) == sorted([world["tank_b"].id, world["pipe_b"].id])
    # Another inspector was not drawn: nothing in plan mode, everything by default.
    other = api_headers(world["users"]["regulator"])
    assert _pack(client, other, mode="plan")["assets"] == []
    assert _pack(client, other)["total"] == 4


def test_bad_arguments_answer_422(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    headers = api_headers(world["users"]["inspector"])
    for query in ({"since": "abc"}, {"since": "99999999999999999"}, {"mode": "x"}, {"limit": 0}):
        response = client.get(PACK, query_string=query, headers=headers)
        assert response.status_code == 422, query


def test_anonymous_gets_401(client: Any, world: dict[str, Any]) -> None:
    assert client.get(PACK).status_code == 401
