"""A regulator revokes another user's API tokens, on the users page and through the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy import select

from registry import create_app
from registry.audit.models import AuditEvent
from registry.auth.models import ApiToken
from registry.auth.services import create_user
from registry.auth.services import issue_token
from registry.auth.services import user_for_token
from registry.extensions import db as _db
from tests.conftest import make_config


@pytest.fixture
def strict_client(db_location: Any, committed_db: Any) -> Iterator[tuple[Any, int, int]]:
    """A regulator's browser on an app with CSRF checks on, and a user with a live token."""
    tmp, url, schema = db_location
    application = create_app(make_config(tmp, url, schema, WTF_CSRF_ENABLED=True))
    with application.app_context():
        regulator = create_user(
            email="csrf.reg@example.cn", password="long-enough-1", role="regulator"
        )
        target = create_user(email="csrf.tgt@example.cn", password="long-enough-1", role="viewer")
        issue_token(target, days=1)
        _db.session.commit()
        ids = regulator.id, target.id
    client = application.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(ids[0])
    yield client, ids[0], ids[1]
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _live(db: Any, user: Any) -> int:
    db.session.expire_all()
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    return sum(1 for r in rows if r.revoked_at is None)


def _tokens(db: Any, user: Any, n: int) -> list[str]:
    tokens = [issue_token(user, days=1) for _ in range(n)]
    db.session.commit()
    return tokens


def _cell(html: str, user_id: int) -> str:
    row = re.search(rf'/users/{user_id}/edit".*?</tr>', html, re.S)
    assert row, "user row not found"
    return row.group(0)


def test_users_page_counts_live_tokens_and_revokes_them(
    app: Any, client: Any, login_as: Any, make_user: Any, db: Any
) -> None:
    target = make_user("inspector", email="target@example.cn")
    idle = make_user("viewer", email="idle@example.cn")
    tokens = _tokens(db, target, 2)
    login_as("regulator", locale="en")
    html = client.get("/users?q=example.cn").get_data(as_text=True)
    assert 'data-live-tokens="2"' in _cell(html, target.id)
    assert f"/users/{target.id}/tokens/revoke" in _cell(html, target.id)
    assert 'data-live-tokens="0"' in _cell(html, idle.id)
    assert f"/users/{idle.id}/tokens/revoke" not in html  # nothing to revoke: no button

    resp = client.post(f"/users/{target.id}/tokens/revoke", follow_redirects=True)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "API tokens of target@example.cn revoked: 2." in page
    assert 'data-live-tokens="0"' in _cell(page, target.id)
    assert _live(db, target) == 0
    for token in tokens:
        got = app.test_client().get(
            "/api/v1/facilities", headers={"Authorization": f"Bearer {token}"}
        )
        assert got.status_code == 401


def test_revoke_flash_in_chinese(client: Any, login_as: Any, make_user: Any, db: Any) -> None:
    target = make_user("viewer", email="zh.target@example.cn")
    _tokens(db, target, 1)
    login_as("regulator", locale="zh")
    with client.session_transaction() as sess:
        sess["locale"] = "zh"
    page = client.post(f"/users/{target.id}/tokens/revoke", follow_redirects=True)
    assert "已撤销 zh.target@example.cn 的 API 令牌：1 个。" in page.get_data(as_text=True)


def test_revoke_page_needs_the_csrf_token(strict_client: Any) -> None:
    client, regulator, target = strict_client
    resp = client.post(f"/users/{target}/tokens/revoke")
    assert resp.status_code == 400  # the form expired or came from elsewhere
    page = client.get("/users").get_data(as_text=True)
    assert 'data-live-tokens="1"' in _cell(page, target)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    resp = client.post(f"/users/{target}/tokens/revoke", data={"csrf_token": token.group(1)})
    assert resp.status_code == 302
    assert 'data-live-tokens="0"' in _cell(client.get("/users").get_data(as_text=True), target)


def test_api_revoke_answers_the_count(
    app: Any, client: Any, make_user: Any, api_headers: Any, db: Any
) -> None:
    regulator = make_user("regulator")
    target = make_user("operator")
    tokens = _tokens(db, target, 3)
    headers = api_headers(regulator)
    resp = client.post(f"/api/v1/users/{target.id}/tokens/revoke", headers=headers)
    assert resp.status_code == 200 and resp.get_json() == {"revoked": 3}
    bearer = {"Authorization": f"Bearer {tokens[0]}"}
    assert app.test_client().get("/api/v1/facilities", headers=bearer).status_code == 401
    # Again: nothing left to revoke.
    again = client.post(f"/api/v1/users/{target.id}/tokens/revoke", headers=headers)
    assert again.status_code == 200 and again.get_json() == {"revoked": 0}
    db.session.expire_all()
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "api_token", AuditEvent.user_id == regulator.id
        )
    ).all()
    assert len(events) == 3


def test_api_revoke_of_an_unknown_user_is_404(
    client: Any, make_user: Any, api_headers: Any
) -> None:
    headers = api_headers(make_user("regulator"))
    resp = client.post("/api/v1/users/987654321/tokens/revoke", headers=headers)
    assert resp.status_code == 404 and resp.is_json


@pytest.mark.parametrize("role", ["operator", "inspector", "viewer"])
def test_only_regulators_revoke(
    role: str, client: Any, make_user: Any, api_headers: Any, db: Any
) -> None:
    target = make_user("inspector")
    _tokens(db, target, 1)
    headers = api_headers(make_user(role))
    assert (
        client.post(f"/api/v1/users/{target.id}/tokens/revoke", headers=headers).status_code == 403
    )
    # An unknown user answers 403 too: no way to probe which ids exist.
    assert client.post("/api/v1/users/987654321/tokens/revoke", headers=headers).status_code == 403
    assert _live(db, target) == 1


def test_anonymous_revoke_is_401(client: Any, make_user: Any) -> None:
    target = make_user("inspector")
    assert client.post(f"/api/v1/users/{target.id}/tokens/revoke").status_code == 401


def test_a_bearer_token_and_its_user_are_read_in_one_statement(make_user: Any, db: Any) -> None:
    """Every API request pays this look-up: the token with its user, one round trip."""
    user = make_user("inspector")
    token = issue_token(user, days=1)
    _db.session.commit()
    _db.session.expire_all()
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        found = user_for_token(token)
        assert found is not None and found.email == user.email and found.active
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert len(seen) == 1 and "JOIN user_account" in seen[0], seen
