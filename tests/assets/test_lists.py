"""Search, filters and pagination of the tank and pipeline list."""

from __future__ import annotations

from typing import Any

from registry.assets.tags import display
from tests.forms import ids_linked


def _assets(client: Any, query: str) -> set[int]:
    resp = client.get(f"/assets?{query}")
    assert resp.status_code == 200
    return ids_linked(resp.get_data(as_text=True), "/assets/")


def test_asset_search_and_filters(
    client: Any, login_as: Any, make_org: Any, make_facility: Any, make_asset: Any
) -> None:
    org = make_org(name="京东能源销售公司")
    station = make_facility(
        org, name="东直门加油站", subdistrict="东直门街道", address="东直门外大街12号"
    )
    depot = make_facility(
        make_org(name="燕京储运公司"),
        name="永定门油库",
        kind="oil_depot",
        subdistrict="永定门外街道",
        address="永定门外大街101号",
    )
    t1 = make_asset(station, operator_ref="T1")
    p1 = make_asset(station, kind="pipeline", operator_ref="P1")
    d1 = make_asset(depot, operator_ref="D-101", substance="diesel")
    closed = make_asset(depot, operator_ref="D-102", status="permanently_closed")
    login_as("viewer")
    assert _assets(client, f"q={display(t1.tag)}") == {t1.id}  # tag as printed
    assert _assets(client, f"q={t1.tag.lower()}") == {t1.id}  # tag as typed
    assert _assets(client, "q=D-101") == {d1.id}  # operator's reference
    assert _assets(client, "q=东直门加油站") == {t1.id, p1.id}  # facility name
    assert _assets(client, "q=永定门外大街") == {d1.id, closed.id}  # address
    assert _assets(client, "q=燕京储运") == {d1.id, closed.id}  # organization
    assert _assets(client, f"q={org.credit_code}") == {t1.id, p1.id}  # credit code
    assert _assets(client, "subdistrict=永定门外街道") == {d1.id, closed.id}
    assert _assets(client, "facility_kind=gas_station") == {t1.id, p1.id}
    assert _assets(client, "kind=pipeline") == {p1.id}
    assert _assets(client, "status=permanently_closed") == {closed.id}
    assert _assets(client, "facility_kind=oil_depot&status=in_service") == {d1.id}


def test_asset_pagination(client: Any, login_as: Any, make_facility: Any, make_asset: Any) -> None:
    facility = make_facility()
    made = {make_asset(facility).id for _ in range(5)}
    login_as("regulator", locale="en")
    seen: set[int] = set()
    for page in (1, 2, 3):
        html = client.get(f"/assets?page_size=2&page={page}").get_data(as_text=True)
        ids = ids_linked(html, "/assets/")
        assert len(ids) == (2 if page < 3 else 1)
        seen |= ids
        assert f"5 results · page {page} of 3" in html
        assert ('rel="next"' in html) == (page < 3) and ('rel="prev"' in html) == (page > 1)
    assert seen == made


def test_pager_keeps_the_filters(
    client: Any, login_as: Any, make_facility: Any, make_asset: Any
) -> None:
    facility = make_facility()
    for _ in range(3):
        make_asset(facility, kind="pipeline")
    make_asset(facility)
    login_as("viewer")
    html = client.get("/assets?kind=pipeline&page_size=2").get_data(as_text=True)
    assert "kind=pipeline" in html.split('rel="next"')[1].split(">")[0]


def test_operator_sees_only_own_assets(client: Any, login_as: Any, world: dict[str, Any]) -> None:
    login_as("operator", organization=world["org_b"])
    assert _assets(client, "") == {world["tank_b"].id, world["pipe_b"].id}
    assert _assets(client, f"q={world['tank_a'].tag}") == set()


def test_keyset_pages_and_a_capped_total(
    client: Any, login_as: Any, make_facility: Any, make_asset: Any, monkeypatch: Any
) -> None:
    import re

    from registry.assets import views

    station = make_facility(name="分页测试加油站")
    made = [make_asset(station, operator_ref=f"K{i}").id for i in range(5)]
    login_as("regulator")
    q = f"facility_id={station.id}&page_size=2"
    first = client.get(f"/assets?{q}").get_data(as_text=True)
    assert "5 results" in first or "共 5 条" in first
    cursor = re.search(r'href="[^"]*after=(\d+)[^"]*"', first)
    assert cursor and int(cursor.group(1)) == made[1]
    assert _assets(client, f"{q}&page=2&after={made[1]}") == set(made[2:4])
    assert _assets(client, f"{q}&page=2") == set(made[2:4])  # the offset contract still holds
    assert _assets(client, f"{q}&after=junk") == set(made[:2])
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 3)
    capped = client.get(f"/assets?{q}").get_data(as_text=True)
    assert "More than 3 results" in capped or "超过 3 条" in capped
    last = client.get(f"/assets?{q}&page=3&after={made[3]}").get_data(as_text=True)
    assert 'rel="next"' not in last
