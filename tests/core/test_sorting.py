"""Sortable columns: the whitelist, the order in SQL across pages, the headers' links."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from registry.core.sorting import Sorting
from registry.core.sorting import SortSpec
from registry.sites.models import Facility

SPEC = SortSpec({"name": (Facility.name,), "kind": (Facility.kind,)}, Facility.id, "name")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, Sorting("name", False, explicit=False)),
        ({"sort": "kind"}, Sorting("kind", False, explicit=True)),
        ({"sort": "kind", "dir": "desc"}, Sorting("kind", True, explicit=True)),
        ({"sort": "-kind"}, Sorting("kind", True, explicit=True)),
        ({"sort": "-kind", "dir": "asc"}, Sorting("kind", False, explicit=True)),
        ({"sort": "kind", "dir": "sideways"}, Sorting("kind", False, explicit=True)),
        # Not on the whitelist: the list's own order, never an error.
        ({"sort": "password_hash"}, Sorting("name", False, explicit=False)),
        ({"sort": "name; DROP TABLE facility"}, Sorting("name", False, explicit=False)),
        ({"sort": "id"}, Sorting("name", False, explicit=False)),
        ({"sort": ""}, Sorting("name", False, explicit=False)),
    ],
)
def test_the_whitelist(args: dict[str, str], expected: Sorting) -> None:
    assert SPEC.read(MultiDict(args)) == expected


def test_the_order_ends_with_the_id(app: Any) -> None:
    from sqlalchemy import select

    stmt = SPEC.apply(select(Facility).order_by(Facility.name), Sorting("kind", True, True))
    sql = str(stmt).lower()
    assert sql.index("facility.kind desc") < sql.index("facility.id desc")
    assert "facility.name" not in sql.split("order by")[1]
    # The list's own order is kept when nothing was asked.
    kept = SPEC.apply(select(Facility).order_by(Facility.name), Sorting("name"))
    assert str(kept).lower().split("order by")[1].strip() == "facility.name"


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/facilities/\d+">([^<]+)</a>', html)


def test_facilities_sorted_in_sql_across_pages(
    client: Any, login_as: Any, make_org: Any, make_facility: Any
) -> None:
    org = make_org()
    names = ["Delta", "alpha", "Charlie", "Bravo", "Echo"]
    for name in names:
        make_facility(org, name=name)
    make_facility(org, name="Bravo")  # a tie: the id decides, on every page alike
    login_as("operator", organization=org)
    seen: list[str] = []
    for page in (1, 2, 3):
        resp = client.get(f"/facilities?sort=name&dir=desc&page_size=2&page={page}")
        assert resp.status_code == 200
        seen += _names(resp.get_data(as_text=True))
    assert len(seen) == 6
    # SQL's order of the database's collation, the same on every page (no duplicates).
    assert seen == sorted(seen, reverse=True) or seen == sorted(seen, key=str.lower, reverse=True)
    assert seen.count("Bravo") == 2


@pytest.mark.parametrize("bad", ["nonsense", "name%3BDROP", "-", "organization_id", "NAME"])
def test_an_unknown_sort_shows_the_list_in_its_own_order(
    client: Any, login_as: Any, make_org: Any, make_facility: Any, bad: str
) -> None:
    org = make_org()
    for name in ("b", "c", "a"):
        make_facility(org, name=name)
    login_as("operator", organization=org)
    plain = client.get("/facilities")
    resp = client.get(f"/facilities?sort={bad}&dir=desc")
    assert resp.status_code == 200
    assert _names(resp.get_data(as_text=True)) == _names(plain.get_data(as_text=True))
    assert _names(plain.get_data(as_text=True)) == ["a", "b", "c"]


def test_headers_link_with_the_filters_and_mark_the_sorted_column(
    client: Any, login_as: Any, make_org: Any, make_facility: Any
) -> None:
    org = make_org()
    make_facility(org, name="x", kind="oil_depot")
    login_as("operator", organization=org)
    html = client.get("/facilities?kind=oil_depot&page=2&sort=kind&dir=desc").get_data(as_text=True)
    (kind_th,) = re.findall(r'<th scope="col"[^>]*data-sort="kind">.*?</th>', html, re.S)
    assert 'aria-sort="descending"' in kind_th
    assert html.count("aria-sort=") == 1
    href = unescape(re.search(r'href="([^"]+)"', kind_th).group(1))  # type: ignore[union-attr]
    query = parse_qs(urlsplit(href).query)
    # A second click reverses; the filter stays; the page starts again at 1.
    assert query == {"kind": ["oil_depot"], "sort": ["kind"], "dir": ["asc"]}
    (name_th,) = re.findall(r'<th scope="col"[^>]*data-sort="name">.*?</th>', html, re.S)
    assert "aria-sort" not in name_th
    name_query = parse_qs(urlsplit(unescape(re.search(r'href="([^"]+)"', name_th).group(1))).query)  # type: ignore[union-attr]
    assert name_query == {"kind": ["oil_depot"], "sort": ["name"], "dir": ["asc"]}
    # The filter form keeps the order when the filters change.
    assert '<input type="hidden" name="sort" value="kind">' in html
    # Unsorted, the list's own order (by name) is the one announced.
    plain = client.get("/facilities").get_data(as_text=True)
    assert re.search(r'aria-sort="ascending" data-sort="name"', plain)


def test_assets_sorted_by_facility_across_pages(
    client: Any, login_as: Any, make_org: Any, make_facility: Any, make_asset: Any
) -> None:
    org = make_org()
    ids = []
    for name in ("Zulu", "Alpha", "Mike"):
        facility = make_facility(org, name=name)
        ids += [(name, make_asset(facility).id), (name, make_asset(facility).id)]
    login_as("operator", organization=org)
    order: list[int] = []
    for page in (1, 2, 3):
        html = client.get(f"/assets?sort=facility&dir=desc&page_size=2&page={page}").get_data(
            as_text=True
        )
        order += [int(i) for i in re.findall(r'<a href="/assets/(\d+)"><code>', html)]
    # Descending by name, then by id in the same direction.
    expected = [i for _, i in sorted(ids, reverse=True)]
    assert order == expected


@pytest.mark.parametrize(
    "url",
    [
        "/certificates?sort=number&dir=desc",
        "/certificates?sort=bogus",
        "/filings?sort=problems",
        "/filings?sort=-submitted_at",
        "/red-tags?sort=lifted_at&dir=asc",
        "/users?sort=role",
        "/users?sort=password_hash",
        "/alerts?sort=point&dir=desc",
        "/alerts?sort=value",
    ],
)
def test_other_lists_take_a_sort(client: Any, login_as: Any, url: str) -> None:
    login_as("regulator")
    assert client.get(url).status_code == 200


def test_users_sorted_by_role_then_id(client: Any, login_as: Any, make_user: Any) -> None:
    me = login_as("regulator")
    made = [make_user(role) for role in ("viewer", "inspector", "viewer", "inspector")]
    html = client.get("/users?sort=role&dir=asc&page_size=100").get_data(as_text=True)
    linked = [int(i) for i in re.findall(r'href="/users/(\d+)/edit"', html)]
    roles = {u.id: u.role for u in [*made, me]}
    shown = [i for i in linked if i in roles]
    assert shown == sorted(shown, key=lambda i: (roles[i], i))
