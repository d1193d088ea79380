"""The main navigation: per role and locale, the same links however often it is drawn."""

from __future__ import annotations

import re
from typing import Any

import pytest

NAV = re.compile(r'<nav class="nav nav-wide"[^>]*>(.*?)</nav>', re.S)


def _links(client: Any) -> list[str]:
    html = client.get("/account").get_data(as_text=True)
    found = NAV.search(html)
    assert found, html[:300]
    return re.findall(r'href="([^"]+)"', found.group(1))


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        ("regulator", {"/users", "/red-tags", "/organizations"}, set()),
        ("inspector", {"/red-tags", "/organizations"}, {"/users"}),
        ("operator", {"/facilities", "/reminders"}, {"/users", "/red-tags", "/organizations"}),
    ],
)
def test_each_role_sees_its_links(
    client: Any, login_as: Any, make_org: Any, role: str, has: set[str], lacks: set[str]
) -> None:
    login_as(role, organization=make_org() if role == "operator" else None)
    links = set(_links(client))
    assert has <= links and not lacks & links, links


def test_roles_and_locales_do_not_share_a_drawn_navigation(
    client: Any, login_as: Any, make_org: Any
) -> None:
    login_as("regulator")
    regulator = _links(client)
    html = client.get("/account").get_data(as_text=True)
    assert html.count('href="/users"') == 2  # the wide bar and the phone menu
    login_as("operator", organization=make_org())
    operator = _links(client)
    assert "/users" in regulator and "/users" not in operator
    client.post("/language", data={"locale": "en"})
    english = client.get("/account").get_data(as_text=True)
    client.post("/language", data={"locale": "zh"})
    chinese = client.get("/account").get_data(as_text=True)
    assert ">Facilities<" in NAV.search(english).group(1)  # type: ignore[union-attr]
    assert ">Facilities<" not in NAV.search(chinese).group(1)  # type: ignore[union-attr]
