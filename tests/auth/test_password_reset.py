"""A forgotten password: a single-use, expiring link by mail; the answer never tells who exists."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from registry import create_app
from registry.audit.models import AuditEvent
from registry.auth.models import PasswordReset
from registry.auth.services import create_user
from registry.auth.services import hash_token
from registry.core.types import utcnow
from registry.extensions import db as _db
from tests.auth.test_sessions import _log_in
from tests.auth.test_sessions import _refused_on_a_page
from tests.conftest import make_config
from tests.forms import field_errors

PASSWORD = "secret-pass-1"
NEW = "a-brand-new-pass"
LINK = re.compile(r"http://registry\.test/password/reset/([A-Za-z0-9_-]+)")


def _body(msg: Message) -> str:
    part = msg.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    assert part is not None
    return str(part.get_content())


def _ask(client: Any, email: str, lang: str = "en") -> Any:
    return client.post("/password/forgot", data={"email": email}, headers={"Accept-Language": lang})


def _token(smtp: Any, to: str) -> str:
    mine = [m for rcpt, m in smtp.messages if rcpt == [to]]
    assert len(mine) == 1
    found = LINK.search(_body(mine[0]))
    assert found is not None, _body(mine[0])
    return found.group(1)


def test_the_log_in_page_links_to_it(client: Any) -> None:
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page


def test_known_and_unknown_addresses_get_the_same_answer(
    client: Any, smtp: Any, make_user: Any
) -> None:
    user = make_user("viewer", email="known@example.cn")
    known = _ask(client, "known@example.cn")
    unknown = _ask(client, "unknown@example.cn")
    assert known.status_code == 200 and unknown.status_code == 200

    def page(resp: Any, email: str) -> str:
        return resp.get_data(as_text=True).replace(email, "EMAIL")

    assert page(known, "known@example.cn") == page(unknown, "unknown@example.cn")
    assert [rcpt for rcpt, _ in smtp.messages] == [["known@example.cn"]]
    rows = _db.session.scalars(select(PasswordReset)).all()
    assert [r.user_id for r in rows] == [user.id]


def test_an_inactive_account_gets_no_link(client: Any, smtp: Any, make_user: Any) -> None:
    user = make_user("viewer", email="gone@example.cn")
    user.active = False
    _db.session.commit()
    assert _ask(client, "gone@example.cn").status_code == 200
    assert smtp.messages == []


def test_the_mail_carries_a_link_in_the_users_language_stored_only_hashed(
    client: Any, smtp: Any, make_user: Any
) -> None:
    make_user("viewer", email="zh@example.cn", locale="zh")
    make_user("viewer", email="en@example.cn", locale="en")
    _ask(client, "zh@example.cn", lang="en")
    _ask(client, "EN@example.cn", lang="zh")  # case does not matter
    by_rcpt = {rcpt[0]: m for rcpt, m in smtp.messages}
    assert "新密码" in _body(by_rcpt["zh@example.cn"])
    assert "new password" in _body(by_rcpt["en@example.cn"])
    assert by_rcpt["en@example.cn"]["Content-Language"] == "en"
    token = _token(smtp, "en@example.cn")
    row = _db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    assert row is not None and token not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(minutes=60)


def test_the_link_sets_the_password_once_and_ends_every_session_and_token(
    app: Any, client: Any, smtp: Any, make_user: Any, api_headers: Any
) -> None:
    user = make_user("operator", email="ops@example.cn", locale="en")
    browser = _log_in(app, user.email)
    headers = api_headers(user)
    _ask(client, user.email)
    token = _token(smtp, user.email)

    form = client.get(f"/password/reset/{token}")
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    short = client.post(f"/password/reset/{token}", data={"password": "short"})
    assert short.status_code == 422 and "password" in field_errors(short.get_data(as_text=True))
    done = client.post(
        f"/password/reset/{token}", data={"password": NEW}, headers={"Accept-Language": "en"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert "Your password was set" in client.get("/login").get_data(as_text=True)

    assert _refused_on_a_page(browser)
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 401
    old = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    assert _log_in(app, user.email, NEW).get("/facilities").status_code == 200

    again = client.post(f"/password/reset/{token}", data={"password": "yet-another-one"})
    assert again.status_code == 410
    assert client.get(f"/password/reset/{token}").status_code == 410
    events = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.row_id == user.id)
    ).all()
    reset = [e for e in events if "password_reset_at" in e.changes]
    assert len(reset) == 1 and reset[0].user_id == user.id


def test_a_reset_spends_the_other_open_links_too(
    app: Any, client: Any, smtp: Any, make_user: Any
) -> None:
    user = make_user("viewer", email="twice@example.cn")
    _ask(client, user.email)
    _ask(client, user.email)
    first, second = (LINK.search(_body(m)).group(1) for _, m in smtp.messages)  # type: ignore[union-attr]
    assert client.post(f"/password/reset/{second}", data={"password": NEW}).status_code == 302
    assert client.get(f"/password/reset/{first}").status_code == 410


def test_an_expired_or_unknown_link_is_refused(client: Any, smtp: Any, make_user: Any) -> None:
    user = make_user("viewer", email="late@example.cn", locale="en")
    _ask(client, user.email)
    token = _token(smtp, user.email)
    row = _db.session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert row is not None
    # Pin the clock in the row: issued 61 minutes ago, expired a minute ago.
    row.created_at = utcnow() - timedelta(minutes=61)
    row.expires_at = utcnow() - timedelta(minutes=1)
    _db.session.commit()
    gone = client.get(f"/password/reset/{token}", headers={"Accept-Language": "en"})
    assert gone.status_code == 410
    assert 'href="/password/forgot"' in gone.get_data(as_text=True)
    assert client.post(f"/password/reset/{token}", data={"password": NEW}).status_code == 410
    assert client.get("/password/reset/" + "x" * 43).status_code == 410
    # A link still inside its time works.
    row.expires_at = utcnow() + timedelta(minutes=1)
    _db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 200


def test_the_mail_server_down_answers_the_same(
    client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch, app: Any
) -> None:
    make_user("viewer", email="nomail@example.cn")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)  # discard: nothing listens
    resp = _ask(client, "nomail@example.cn")
    assert resp.status_code == 200
    assert "nomail@example.cn" in resp.get_data(as_text=True)


@pytest.fixture
def limited(db_location: Any, committed_db: Any) -> Iterator[Callable[..., Flask]]:
    """Make an app with the reset limits on (rate limits are off in tests)."""
    made: list[Flask] = []

    def make(**limits: str) -> Flask:
        tmp, url, schema = db_location
        application = create_app(
            make_config(tmp, url, schema, RATELIMIT_ENABLED=True, SMTP_PORT=9, **limits)
        )
        made.append(application)
        with application.app_context():
            create_user(email="limit.one@example.cn", password=PASSWORD, role="viewer")
            _db.session.commit()
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _post(client: Any, email: str, address: str) -> int:
    env = {"REMOTE_ADDR": address}
    return int(client.post("/password/forgot", data={"email": email}, environ_base=env).status_code)


def test_requests_are_limited_per_client(limited: Any) -> None:
    app = limited(
        PASSWORD_RESET_RATE_LIMIT="3 per minute", PASSWORD_RESET_ACCOUNT_RATE_LIMIT="100 per hour"
    )
    client = app.test_client()
    assert [_post(client, f"u{i}@example.cn", "192.0.2.1") for i in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    # The token form shares the client's counter.
    assert (
        client.post("/password/reset/abc", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code
        == 429
    )
    assert _post(client, "u9@example.cn", "192.0.2.2") == 200  # another client


def test_requests_are_limited_per_address_known_or_not(limited: Any) -> None:
    app = limited(
        PASSWORD_RESET_RATE_LIMIT="100 per minute", PASSWORD_RESET_ACCOUNT_RATE_LIMIT="2 per hour"
    )
    client = app.test_client()
    for email in ("limit.one@example.cn", "nobody@example.cn"):
        got = [_post(client, email.upper() if i else email, f"198.51.100.{i}") for i in range(3)]
        assert got == [200, 200, 429], email
    assert _post(client, "someone.else@example.cn", "198.51.100.9") == 200
