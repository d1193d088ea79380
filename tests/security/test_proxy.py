"""Behind an HTTPS reverse proxy: Secure cookies, HSTS, the real client address for rate limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry import create_app
from registry.config import ConfigError
from registry.config import load_settings
from registry.extensions import db as _db
from tests.conftest import make_config


@pytest.mark.parametrize(
    ("env", "secure", "hops"),
    [
        ({}, False, 0),
        ({"PREFERRED_URL_SCHEME": "https"}, True, 0),
        ({"PREFERRED_URL_SCHEME": "https", "PROXY_FIX": "1"}, True, 1),
        ({"PROXY_FIX": "true"}, False, 1),
        ({"PROXY_FIX": "2"}, False, 2),
        ({"PROXY_FIX": "off"}, False, 0),
    ],
)
def test_settings(tmp_path: Path, env: dict[str, str], secure: bool, hops: int) -> None:
    settings = load_settings(tmp_path, env={"SECRET_KEY": "k", **env})
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["PROXY_FIX"] == hops
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_bad_proxy_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PROXY_FIX"):
        load_settings(tmp_path, env={"SECRET_KEY": "k", "PROXY_FIX": "lots"})


@pytest.fixture
def proxied_app(db_location: tuple[Path, str, str | None], committed_db: Any) -> Iterator[Flask]:
    """An app configured as the README's 'Deploying behind HTTPS' says, with CSRF and limits."""
    tmp, url, schema = db_location
    application = create_app(
        make_config(
            tmp,
            url,
            schema,
            WTF_CSRF_ENABLED=True,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="2 per minute",
            PREFERRED_URL_SCHEME="https",
            SESSION_COOKIE_SECURE=True,
            PROXY_FIX=1,
        )
    )
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _user(app: Flask) -> str:
    from registry.auth.services import create_user

    with app.app_context():
        user = create_user(email="proxy@security.test", password="long-enough-1", role="viewer")
        _db.session.commit()
        return user.email


def _login(client: Any, email: str, password: str, forwarded: dict[str, str]) -> Any:
    page = client.get("/login", headers=forwarded).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    data = {"email": email, "password": password, "csrf_token": token.group(1)}
    # Over HTTPS Flask-WTF also checks that the form was posted from this site, as browsers say.
    headers = {**forwarded, "Referer": "https://localhost/login"}
    return client.post("/login", data=data, headers=headers)


def test_forwarded_https_gets_secure_cookie_and_hsts(proxied_app: Flask) -> None:
    email = _user(proxied_app)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    client = proxied_app.test_client()
    resp = _login(client, email, "long-enough-1", forwarded)
    assert resp.status_code == 302
    cookie = next(v for v in resp.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    resp = client.get("/facilities", headers=forwarded)
    assert resp.status_code == 200  # the Secure session works over the forwarded https


def test_rate_limit_is_keyed_on_the_forwarded_client(proxied_app: Flask) -> None:
    email = _user(proxied_app)
    client = proxied_app.test_client()
    first = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.2"}
    codes = [_login(client, email, "wrong-password", first).status_code for _ in range(3)]
    assert codes[-1] == 429  # the limit is 2 per minute
    # Another client behind the same proxy is not locked out by the first one's failures.
    assert _login(client, email, "long-enough-1", second).status_code == 302


def test_without_proxy_fix_a_spoofed_forwarded_for_does_not_escape_the_limit(
    db_location: tuple[Path, str, str | None], committed_db: Any
) -> None:
    tmp, url, schema = db_location
    app = create_app(
        make_config(
            tmp,
            url,
            schema,
            WTF_CSRF_ENABLED=True,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="2 per minute",
        )
    )
    email = _user(app)
    client = app.test_client()
    codes = [
        _login(client, email, "wrong-password", {"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(3)
    ]
    assert codes[-1] == 429
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
