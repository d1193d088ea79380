"""Bearer tokens: hashed at rest, accepted on pages too, refused when expired or revoked."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from registry.auth.models import ApiToken
from registry.auth.services import hash_token
from registry.core.types import utcnow


def _token(client: Any, user: Any, password: str = "secret-pass-1") -> str:
    r = client.post("/api/v1/auth/token", json={"email": user.email, "password": password})
    assert r.status_code == 200, r.json
    return str(r.json["token"])


def test_token_is_stored_hashed(client: Any, make_user: Any, db: Any) -> None:
    user = make_user("inspector")
    token = _token(client, user)
    db.session.expire_all()
    rows = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))
    assert (
        len(rows) == 1
        and rows[0].token_hash == hash_token(token)
        and token not in str(rows[0].token_hash)
    )


def test_bearer_token_works_on_html_pages(client: Any, world: dict[str, Any]) -> None:
    token = _token(client, world["users"]["operator_a"])
    h = {"Authorization": f"Bearer {token}"}
    r = client.get(f"/assets/{world['tank_a'].id}", headers=h)
    assert r.status_code == 200 and world["tank_a"].operator_ref in r.get_data(as_text=True)
    assert client.get(f"/assets/{world['tank_b'].id}", headers=h).status_code == 404
    r = client.get(f"/facilities/{world['fac_a'].id}", headers=h)
    assert r.status_code == 200


def test_token_does_not_log_the_browser_in(client: Any, world: dict[str, Any]) -> None:
    token = _token(client, world["users"]["viewer"])
    assert client.get("/assets", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    r = client.get("/assets")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_expired_token_answers_401(client: Any, make_user: Any, db: Any) -> None:
    user = make_user("viewer")
    token = _token(client, user)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    r = client.get("/api/v1/assets", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json["message"]
    assert client.get("/assets", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_revoked_token_answers_401(client: Any, make_user: Any) -> None:
    user = make_user("viewer")
    token = _token(client, user)
    h = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=h).status_code == 204
    assert client.get("/api/v1/assets", headers=h).status_code == 401
    assert client.get("/api/v1/organizations", headers=h).status_code == 401


def test_unknown_token_and_deactivated_user_answer_401(
    client: Any, make_user: Any, db: Any
) -> None:
    assert (
        client.get("/api/v1/assets", headers={"Authorization": "Bearer not-a-token"}).status_code
        == 401
    )
    user = make_user("viewer")
    token = _token(client, user)
    user.active = False
    db.session.commit()
    r = client.get("/api/v1/assets", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


def test_token_endpoint_refuses_wrong_password_with_json(client: Any, make_user: Any) -> None:
    user = make_user("viewer")
    r = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": "wrong"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert r.status_code == 401 and r.json["message"] == "电子邮箱或密码错误。"
    r = client.post("/api/v1/auth/token", json={"email": user.email})
    assert r.status_code == 422 and "password" in r.json["errors"]["json"]


def test_lifetime_follows_api_token_days(
    app: Any, client: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "API_TOKEN_DAYS", 3)
    creds = {"email": make_user("viewer").email, "password": "secret-pass-1"}
    resp = client.post("/api/v1/auth/token", json=creds)
    assert resp.status_code == 200
    expires = datetime.fromisoformat(resp.json["expires_at"])
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    left = expires - datetime.now(UTC)
    assert timedelta(days=3) - timedelta(minutes=5) < left <= timedelta(days=3)


def test_revoking_one_token_leaves_the_others(client: Any, make_user: Any) -> None:
    user = make_user("viewer")
    phone = {"Authorization": f"Bearer {_token(client, user)}"}
    laptop = {"Authorization": f"Bearer {_token(client, user)}"}
    assert client.delete("/api/v1/auth/token", headers=phone).status_code == 204
    assert client.get("/api/v1/assets", headers=phone).status_code == 401
    assert client.get("/api/v1/assets", headers=laptop).status_code == 200
    # A revoked token cannot revoke (or do) anything any more.
    assert client.delete("/api/v1/auth/token", headers=phone).status_code == 401
