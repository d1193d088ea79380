"""A user changes the own password (ending every other session and token) and revokes own tokens."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from registry.auth.models import ApiToken
from registry.auth.services import issue_token
from tests.auth.test_sessions import _log_in
from tests.auth.test_sessions import _refused_on_a_page
from tests.forms import field_errors

PASSWORD = "secret-pass-1"


def test_changing_the_password_ends_other_sessions_and_tokens_but_not_this_one(
    app: Any, make_user: Any, api_headers: Any
) -> None:
    user = make_user("operator")
    here = _log_in(app, user.email)
    elsewhere = _log_in(app, user.email)
    headers = api_headers(user)
    resp = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "a-new-password"},
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account")
    assert here.get("/facilities").status_code == 200  # this browser stays logged in
    assert _refused_on_a_page(elsewhere)
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 401
    assert (
        app.test_client()
        .post("/login", data={"email": user.email, "password": PASSWORD})
        .status_code
        == 401
    )
    assert _log_in(app, user.email, "a-new-password").get("/facilities").status_code == 200


def test_a_wrong_current_password_changes_nothing(
    app: Any, client: Any, make_user: Any, api_headers: Any
) -> None:
    user = make_user("viewer")
    here = _log_in(app, user.email)
    headers = api_headers(user)
    resp = here.post(
        "/account/password",
        data={"current_password": "not-it-at-all", "password": "a-new-password"},
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 422
    assert "current_password" in field_errors(resp.get_data(as_text=True))
    short = here.post("/account/password", data={"current_password": PASSWORD, "password": "short"})
    assert short.status_code == 422 and "password" in field_errors(short.get_data(as_text=True))
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 200
    assert here.get("/facilities").status_code == 200
    assert _log_in(app, user.email, PASSWORD).get("/facilities").status_code == 200


def test_own_tokens_are_listed_and_revoked_one_by_one(
    app: Any, client: Any, login_as: Any, make_user: Any, db: Any
) -> None:
    user = login_as("inspector")
    keep = issue_token(user, days=5, name="tablet")
    drop = issue_token(user, days=5, name="laptop")
    other = make_user("inspector")
    foreign = issue_token(other, days=5)
    db.session.commit()
    page = client.get("/account").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'data-token-id="(\d+)"', page)]
    assert len(ids) == 2 and "tablet" in page and "laptop" in page
    drop_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "laptop"))
    foreign_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert client.post(f"/account/tokens/{drop_id}/revoke").status_code == 302
    assert client.post(f"/account/tokens/{foreign_id}/revoke").status_code == 404

    def works(token: str) -> bool:
        bearer = {"Authorization": f"Bearer {token}"}
        return bool(app.test_client().get("/api/v1/facilities", headers=bearer).status_code == 200)

    assert works(keep) and not works(drop) and works(foreign)
    page = client.get("/account").get_data(as_text=True)
    assert re.findall(r'data-token-id="(\d+)"', page) != [] and "laptop" not in page


def test_a_regulator_cannot_revoke_others_tokens_from_the_own_account_page(
    app: Any, client: Any, login_as: Any, make_user: Any, db: Any
) -> None:
    login_as("regulator")
    other = make_user("viewer")
    issue_token(other, days=5)
    db.session.commit()
    foreign_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert client.post(f"/account/tokens/{foreign_id}/revoke").status_code == 404
