"""One log-in limit for both doors (`/login` and the API token), per client and per account;
and an unknown address is answered like a wrong password."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from registry import create_app
from registry.auth import services
from registry.auth.services import create_user
from registry.extensions import db as _db
from tests.conftest import make_config

PASSWORD = "long-enough-1"


@pytest.fixture
def limited_app(
    db_location: Any, committed_db: Any
) -> Iterator[Callable[..., tuple[Flask, list[str]]]]:
    """Make an app with the rate limits on (they are off in tests) and two accounts."""
    made: list[Flask] = []

    def make(**limits: str) -> tuple[Flask, list[str]]:
        tmp, url, schema = db_location
        application = create_app(make_config(tmp, url, schema, RATELIMIT_ENABLED=True, **limits))
        made.append(application)
        with application.app_context():
            emails = ["limit.one@example.cn", "limit.two@example.cn"]
            for email in emails:
                create_user(email=email, password=PASSWORD, role="viewer")
            _db.session.commit()
        return application, emails

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _page(client: Any, email: str, password: str, address: str = "192.0.2.1") -> int:
    env = {"REMOTE_ADDR": address}
    data = {"email": email, "password": password}
    return int(client.post("/login", data=data, environ_base=env).status_code)


def _api(client: Any, email: str, password: str, address: str = "192.0.2.1") -> int:
    env = {"REMOTE_ADDR": address}
    body = {"email": email, "password": password}
    return int(client.post("/api/v1/auth/token", json=body, environ_base=env).status_code)


def test_both_doors_share_one_counter_per_client(limited_app: Any) -> None:
    app, _ = limited_app(LOGIN_RATE_LIMIT="4 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    client = app.test_client()
    # Four attempts at four different addresses, two at each door: the fifth is refused at
    # either door, whichever the attacker turns to.
    assert _page(client, "a@example.cn", "wrong-guess-1") == 401
    assert _api(client, "b@example.cn", "wrong-guess-1") == 401
    assert _page(client, "c@example.cn", "wrong-guess-1") == 401
    assert _api(client, "d@example.cn", "wrong-guess-1") == 401
    assert _api(client, "e@example.cn", "wrong-guess-1") == 429
    assert _page(client, "e@example.cn", "wrong-guess-1") == 429
    # Another client address has a counter of its own.
    assert _page(client, "e@example.cn", "wrong-guess-1", address="192.0.2.2") == 401


def test_a_guess_spread_over_many_addresses_is_stopped_per_account(limited_app: Any) -> None:
    app, (one, two) = limited_app(
        LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute"
    )
    client = app.test_client()
    assert _page(client, one, "wrong-guess-1", address="198.51.100.1") == 401
    assert _api(client, one.upper(), "wrong-guess-2", address="198.51.100.2") == 401
    assert _page(client, f"  {one} ", "wrong-guess-3", address="198.51.100.3") == 401
    # The right password from a fourth address is refused too: the account is resting.
    assert _api(client, one, PASSWORD, address="198.51.100.4") == 429
    assert _page(client, one, PASSWORD, address="198.51.100.5") == 429
    # Another account is not, from any of those addresses.
    assert _page(client, two, PASSWORD, address="198.51.100.1") == 302


def test_the_account_counter_counts_failures_only(limited_app: Any) -> None:
    app, (one, _) = limited_app(
        LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute"
    )
    client = app.test_client()
    assert [_api(client, one, PASSWORD) for _ in range(4)] == [200] * 4
    assert [_api(client, one, "wrong-guess-1") for _ in range(3)] == [401, 401, 429]


def test_an_unknown_address_gets_the_same_counter_as_a_real_one(limited_app: Any) -> None:
    app, (one, _) = limited_app(
        LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute"
    )
    client = app.test_client()
    real = [_page(client, one, "wrong-guess-1") for _ in range(3)]
    unknown = [_page(client, "nobody@example.cn", "wrong-guess-1") for _ in range(3)]
    assert real == unknown == [401, 401, 429]


def test_the_429_is_translated_json_on_the_api_and_a_page_on_the_site(limited_app: Any) -> None:
    app, (one, _) = limited_app(
        LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="1 per minute"
    )
    client = app.test_client()
    assert _api(client, one, "wrong-guess-1") == 401
    zh = client.post(
        "/api/v1/auth/token",
        json={"email": one, "password": "x"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert zh.status_code == 429 and zh.is_json
    assert zh.get_json()["message"] == "登录尝试次数过多，请等几分钟再试。"
    en = client.post(
        "/api/v1/auth/token",
        json={"email": one, "password": "x"},
        headers={"Accept-Language": "en"},
    )
    assert en.get_json()["message"] == (
        "Too many log-in attempts. Please wait a few minutes and try again."
    )
    page = client.post(
        "/login", data={"email": one, "password": "x"}, headers={"Accept-Language": "zh-CN"}
    )
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "登录尝试次数过多，请等几分钟再试。" in page.get_data(as_text=True)


def test_an_unknown_address_is_answered_like_a_wrong_password(
    client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user("viewer", password=PASSWORD)
    checked: list[str] = []
    real_check = services.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    headers = {"Accept-Language": "en"}
    wrong = client.post(
        "/login", data={"email": user.email, "password": "nope-nope"}, headers=headers
    )
    unknown = client.post(
        "/login", data={"email": "no.such@example.cn", "password": "nope-nope"}, headers=headers
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail address or password." in unknown.get_data(as_text=True)
    assert "Wrong e-mail address or password." in wrong.get_data(as_text=True)
    # The unknown address was checked against a hash of the configured method, as a real one.
    assert len(checked) == 1 and checked[0].startswith("pbkdf2:sha256:1000$")
    api_wrong = client.post("/api/v1/auth/token", json={"email": user.email, "password": "nope"})
    api_unknown = client.post("/api/v1/auth/token", json={"email": "x@y.cn", "password": "nope"})
    assert api_wrong.status_code == api_unknown.status_code == 401
    assert api_wrong.get_json()["message"] == api_unknown.get_json()["message"]
    assert len(checked) == 2


def test_an_inactive_account_is_answered_like_a_wrong_password(
    client: Any, make_user: Any, db: Any
) -> None:
    user = make_user("viewer", password=PASSWORD)
    user.active = False
    db.session.commit()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 401
