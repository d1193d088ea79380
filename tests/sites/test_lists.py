"""Search, filters and pagination of the facility and organization lists."""

from __future__ import annotations

from typing import Any

from tests.forms import ids_linked


def _facilities(client: Any, query: str) -> set[int]:
    resp = client.get(f"/facilities?{query}")
    assert resp.status_code == 200
    return ids_linked(resp.get_data(as_text=True), "/facilities/")


def _orgs(client: Any, query: str) -> set[int]:
    resp = client.get(f"/organizations?{query}")
    assert resp.status_code == 200
    return ids_linked(resp.get_data(as_text=True), "/organizations/")


def test_facility_search_and_filters(
    client: Any, login_as: Any, make_org: Any, make_facility: Any
) -> None:
    org = make_org(name="京东能源", credit_code="91110101MA01ABC120")
    station = make_facility(
        org, name="东直门加油站", subdistrict="东直门街道", address="东直门外大街12号"
    )
    depot = make_facility(
        make_org(name="燕京储运"),
        name="永定门油库",
        kind="oil_depot",
        subdistrict="永定门外街道",
        address="永定门外大街101号",
    )
    closed = make_facility(org, name="旧站", status="closed", subdistrict="东直门街道")
    login_as("viewer")
    assert _facilities(client, "q=东直门加油") == {station.id}
    assert _facilities(client, "q=永定门外大街") == {depot.id}  # address
    assert _facilities(client, "q=MA01ABC") == {station.id, closed.id}  # credit code
    assert _facilities(client, "q=燕京") == {depot.id}  # organization name
    assert _facilities(client, "subdistrict=东直门街道") == {station.id, closed.id}
    assert _facilities(client, "kind=oil_depot") == {depot.id}
    assert _facilities(client, "status=closed") == {closed.id}
    assert _facilities(client, "subdistrict=东直门街道&status=active") == {station.id}


def test_facility_pagination(client: Any, login_as: Any, make_org: Any, make_facility: Any) -> None:
    org = make_org()
    made = {make_facility(org, name=f"站{i:02d}").id for i in range(5)}
    login_as("regulator")
    seen: set[int] = set()
    for page in (1, 2, 3):
        html = client.get(f"/facilities?page_size=2&page={page}").get_data(as_text=True)
        ids = ids_linked(html, "/facilities/")
        assert len(ids) == (2 if page < 3 else 1)
        seen |= ids
        assert f"page {page} of 3" in html or f"第 {page} / 3 页" in html
        assert ('rel="next"' in html) == (page < 3)
    assert seen == made


def test_operator_sees_only_own_facilities(
    client: Any, login_as: Any, world: dict[str, Any]
) -> None:
    login_as("operator", organization=world["org_a"])
    assert _facilities(client, "") == {world["fac_a"].id}
    assert _facilities(client, "q=乙") == set()


def test_organization_search_and_pagination(client: Any, login_as: Any, make_org: Any) -> None:
    a = make_org(name="北京甲石油公司", address="东城区和平里")
    b = make_org(name="北京乙化工公司", address="东城区龙潭路")
    login_as("viewer")
    assert _orgs(client, "q=甲石油") == {a.id}
    assert _orgs(client, "q=龙潭路") == {b.id}
    assert _orgs(client, f"q={b.credit_code[4:]}") == {b.id}
    assert len(_orgs(client, "page_size=1")) == 1
    assert _orgs(client, "page_size=1&page=1") != _orgs(client, "page_size=1&page=2")


def test_lists_forgive_bad_paging_values(client: Any, login_as: Any) -> None:
    login_as("viewer")
    for url in ("/facilities?page=x", "/assets?page=-3&page_size=100000", "/organizations?page=0"):
        assert client.get(url).status_code == 200
