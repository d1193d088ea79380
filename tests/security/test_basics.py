"""Security basics: cookie flags, CSRF, safe redirects after log-in, the log-in rate limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from registry.extensions import db as _db


def _user(app: Flask, role: str = "regulator", password: str = "long-enough-1") -> str:
    from registry.auth.services import create_user

    with app.app_context():
        user = create_user(email=f"{role}@security.test", password=password, role=role)
        _db.session.commit()
        return user.email


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def test_session_cookie_is_httponly_and_samesite_lax(client: Any, make_user: Any) -> None:
    user = make_user("viewer", password="long-enough-1")
    resp = client.post("/login", data={"email": user.email, "password": "long-enough-1"})
    cookie = next(v for v in resp.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client: Any) -> None:
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in resp.get_data(as_text=True)  # no inline scripts


def test_form_post_without_csrf_token_is_refused(strict_app: Flask) -> None:
    email = _user(strict_app)
    client = strict_app.test_client()
    # log in properly, with the token of the log-in form
    token = _csrf(client.get("/login").get_data(as_text=True))
    resp = client.post(
        "/login", data={"email": email, "password": "long-enough-1", "csrf_token": token}
    )
    assert resp.status_code == 302
    data = {"name": "无令牌公司", "credit_code": "91110101MA01ABC120"}
    resp = client.post("/organizations/new", data=data)
    assert resp.status_code == 400
    assert "form expired" in resp.get_data(as_text=True).lower() or "表单已失效" in (
        resp.get_data(as_text=True)
    )
    resp = client.post("/organizations/new", data=dict(data, csrf_token="forged"))
    assert resp.status_code == 400
    # with the page's own token it goes through
    token = _csrf(client.get("/organizations/new").get_data(as_text=True))
    resp = client.post("/organizations/new", data=dict(data, csrf_token=token))
    assert resp.status_code == 302


def test_login_form_needs_the_token_too(strict_app: Flask) -> None:
    email = _user(strict_app)
    resp = strict_app.test_client().post(
        "/login", data={"email": email, "password": "long-enough-1"}
    )
    assert resp.status_code == 400


def test_bearer_calls_need_no_csrf_token(strict_app: Flask) -> None:
    email = _user(strict_app)
    client = strict_app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": email, "password": "long-enough-1"}
    ).json["token"]
    resp = client.post(
        "/api/v1/organizations",
        json={"name": "接口公司", "credit_code": "91110101MA01ABC120"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 201, resp.json


def test_login_returns_to_next(client: Any, make_user: Any) -> None:
    user = make_user("viewer", password="long-enough-1")
    page = client.get("/login?next=/assets%3Fkind%3Dtank").get_data(as_text=True)
    assert 'name="next" value="/assets?kind=tank"' in page
    resp = client.post(
        "/login",
        data={"email": user.email, "password": "long-enough-1", "next": "/assets?kind=tank"},
    )
    assert resp.status_code == 302 and resp.headers["Location"] == "/assets?kind=tank"


def test_anonymous_is_sent_to_login_with_next(client: Any) -> None:
    resp = client.get("/facilities?kind=oil_depot")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=")
    assert (
        "kind%3Doil_depot" in resp.headers["Location"]
        or "kind=oil_depot" in (resp.headers["Location"])
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_refuses_outside_next(client: Any, make_user: Any, target: str) -> None:
    user = make_user("viewer", password="long-enough-1")
    resp = client.post(
        "/login", data={"email": user.email, "password": "long-enough-1", "next": target}
    )
    assert resp.status_code == 302
    assert "evil" not in resp.headers["Location"] and "javascript" not in resp.headers["Location"]


def test_login_rate_limit_answers_a_clear_429_page(strict_app: Flask) -> None:
    client = strict_app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    wrong = {"email": "nobody@security.test", "password": "wrong-wrong", "csrf_token": token}
    statuses = [
        client.post("/login", data=wrong, headers={"Accept-Language": "en"}).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    resp = client.post("/login", data=wrong, headers={"Accept-Language": "zh-CN"})
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "请求过于频繁" in html and 'data-status-code="429"' in html
    r = client.post("/api/v1/auth/token", json={"email": "nobody@security.test", "password": "x"})
    assert r.status_code in (401, 429) and r.is_json


def test_other_apps_are_not_limited(strict_app: Flask, client: Any) -> None:
    # the session-wide test app keeps RATELIMIT_ENABLED off even after a strict app exists
    statuses = {
        client.post("/login", data={"email": "a@b.cn", "password": "xxxxxxxx"}).status_code
        for _ in range(6)
    }
    assert statuses == {401}
