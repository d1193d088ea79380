"""Sessions and tokens end when they should: log-out, a new password, deactivation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.auth.models import ApiToken
from registry.compliance.calendar import create_token
from registry.compliance.models import CalendarToken

PASSWORD = "secret-pass-1"


def _log_in(app: Any, email: str, password: str = PASSWORD) -> Any:
    """A browser of its own, logged in through the form."""
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": password})
    assert resp.status_code == 302, resp.status_code
    return client


def _with_cookie(app: Any, cookie: str) -> Any:
    """A browser that presents a session cookie saved elsewhere."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def _refused_on_a_page(client: Any) -> bool:
    resp = client.get("/facilities")
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


def _edit_form(user: Any, **changes: str) -> dict[str, str]:
    form = {"role": user.role, "name": user.name or "", "active": "on"}
    if user.organization_id:
        form["organization_id"] = str(user.organization_id)
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_a_cookie_saved_before_log_out_is_refused_after(app: Any, make_user: Any) -> None:
    user = make_user("viewer")
    browser = _log_in(app, user.email)
    saved = browser.get_cookie("session").value
    assert browser.get("/facilities").status_code == 200
    assert _with_cookie(app, saved).get("/facilities").status_code == 200  # a copy works…

    assert browser.post("/logout").status_code == 302
    assert _refused_on_a_page(_with_cookie(app, saved))  # …until the log-out
    api = _with_cookie(app, saved).get("/api/v1/facilities")
    assert api.status_code == 401 and api.is_json
    # Logging in again makes a cookie that works.
    again = _log_in(app, user.email)
    assert again.get("/facilities").status_code == 200


def test_log_out_with_a_bearer_token_leaves_sessions_alone(
    app: Any, make_user: Any, api_headers: Any
) -> None:
    user = make_user("viewer")
    browser = _log_in(app, user.email)
    app.test_client().get("/logout", headers=api_headers(user))
    assert browser.get("/facilities").status_code == 200


def test_a_password_reset_ends_every_session_and_token(
    app: Any, client: Any, login_as: Any, make_user: Any, api_headers: Any, db: Any
) -> None:
    user = make_user("inspector")
    browser = _log_in(app, user.email)
    headers = api_headers(user)
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 200
    bystander = make_user("inspector")
    other_browser = _log_in(app, bystander.email)
    other_headers = api_headers(bystander)

    regulator = login_as("regulator")
    resp = client.post(f"/users/{user.id}/edit", data=_edit_form(user, password="brand-new-pass"))
    assert resp.status_code == 302

    assert _refused_on_a_page(browser)
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 401
    assert _log_in(app, user.email, "brand-new-pass").get("/facilities").status_code == 200
    # Nobody else is touched.
    assert other_browser.get("/facilities").status_code == 200
    assert app.test_client().get("/api/v1/facilities", headers=other_headers).status_code == 200
    db.session.expire_all()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)
    logged = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "api_token", AuditEvent.row_id == tokens[0].id
        )
    ).all()
    assert [(e.actor, e.changes["revoked_at"][0]) for e in logged] == [(regulator.email, None)]
    ended = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.row_id == user.id)
    ).all()
    assert any("session_version" in e.changes for e in ended)


def test_an_edit_without_a_new_password_keeps_sessions(
    app: Any, client: Any, login_as: Any, make_user: Any, api_headers: Any
) -> None:
    user = make_user("inspector")
    browser = _log_in(app, user.email)
    headers = api_headers(user)
    login_as("regulator")
    resp = client.post(f"/users/{user.id}/edit", data=_edit_form(user, name="改个名"))
    assert resp.status_code == 302
    assert browser.get("/facilities").status_code == 200
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 200


def test_deactivation_ends_sessions_tokens_and_calendar_feeds(
    app: Any, client: Any, login_as: Any, make_user: Any, make_org: Any, api_headers: Any, db: Any
) -> None:
    org = make_org()
    leaver = make_user("operator", organization=org)
    colleague = make_user("operator", organization=org)
    browser = _log_in(app, leaver.email)
    headers = api_headers(leaver)
    their_feed = create_token(org.id, created_by=leaver)
    colleague_feed = create_token(org.id, created_by=colleague)
    db.session.commit()

    def feed(token: str) -> int:
        return int(
            app.test_client().get(f"/operators/{org.id}/calendar.ics?token={token}").status_code
        )

    assert feed(their_feed) == 200 and feed(colleague_feed) == 200

    login_as("regulator")
    form = _edit_form(leaver)
    del form["active"]  # an unticked box is not sent
    assert client.post(f"/users/{leaver.id}/edit", data=form).status_code == 302

    assert feed(their_feed) == 404  # as for any token that does not open the feed
    assert feed(colleague_feed) == 200
    assert _refused_on_a_page(browser)
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 401
    # Reactivating the account does not bring back what was closed.
    form["active"] = "on"
    assert client.post(f"/users/{leaver.id}/edit", data=form).status_code == 302
    assert feed(their_feed) == 404
    assert app.test_client().get("/api/v1/facilities", headers=headers).status_code == 401
    assert _refused_on_a_page(browser)
    db.session.expire_all()
    theirs = db.session.scalars(
        select(CalendarToken.id).where(CalendarToken.created_by_id == leaver.id)
    ).all()
    logged = db.session.scalars(
        select(AuditEvent.changes).where(
            AuditEvent.entity == "calendar_token", AuditEvent.row_id.in_(theirs)
        )
    ).all()
    assert len(theirs) == 1 and [c["revoked_at"][0] for c in logged if "revoked_at" in c] == [None]
