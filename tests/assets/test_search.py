"""The asset search: what it finds, and its three selects (page, count, walk) agreeing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from registry.assets.services import asset_list
from registry.extensions import db
from tests.forms import ids_linked


@pytest.fixture
def overlap(make_org: Any, make_facility: Any, make_asset: Any, make_user: Any) -> dict[str, Any]:
    """Assets that "重叠石化" finds through one, two or all three look-ups, and one it misses."""
    org = make_org(name="重叠石化销售公司")
    both = make_facility(org, name="重叠石化第一加油站", address=None)
    org_only = make_facility(org, name="第二加油站")
    elsewhere = make_facility(make_org(name="无关公司"), name="无关加油站", address=None)
    return {
        "all_three": make_asset(both, operator_ref="重叠石化-1"),
        "facility_and_org": make_asset(both),
        "org_only": make_asset(org_only),
        "own_only": make_asset(elsewhere, operator_ref="重叠石化-3"),
        "none": make_asset(elsewhere),
        "operator": make_user("operator", organization=org),
        "regulator": make_user("regulator"),
    }


def test_each_hit_is_listed_and_counted_once(
    client: Any, login_as: Any, overlap: dict[str, Any]
) -> None:
    login_as("regulator", locale="en")
    html = client.get("/assets?q=重叠石化").get_data(as_text=True)
    found = {overlap[k].id for k in ("all_three", "facility_and_org", "org_only", "own_only")}
    assert ids_linked(html, "/assets/") == found
    assert "4 results" in html


QUERIES = ["重叠石化", "第二加油站", "重叠石化-3", "无关", "销售公司", "nothing"]


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("role", ["regulator", "operator"])
def test_page_count_and_walk_select_the_same_assets(
    overlap: dict[str, Any], q: str, role: str
) -> None:
    listing = asset_list(overlap[role], {"q": q, "status": "in_service"})
    page = [a.id for a in db.session.scalars(listing.page)]
    walked = [a.id for a in db.session.scalars(listing.walked)]
    counted = list(db.session.scalars(listing.counted))
    assert page == walked == sorted(counted)  # in id order, and no asset counted twice


def test_a_capped_search_pages_in_id_order(
    client: Any, login_as: Any, overlap: dict[str, Any], monkeypatch: Any
) -> None:
    from registry.assets import views

    monkeypatch.setattr(views, "LIST_COUNT_CAP", 2)
    login_as("regulator", locale="en")
    found = sorted(overlap[k].id for k in ("all_three", "facility_and_org", "org_only", "own_only"))
    first = client.get("/assets?q=重叠石化&page_size=2").get_data(as_text=True)
    assert "More than 2 results" in first
    assert ids_linked(first, "/assets/") == set(found[:2])
    cursor = re.search(r'href="[^"]*after=(\d+)[^"]*"', first)
    assert cursor and int(cursor.group(1)) == found[1]
    second = client.get(f"/assets?q=重叠石化&page_size=2&page=2&after={found[1]}")
    assert ids_linked(second.get_data(as_text=True), "/assets/") == set(found[2:])
