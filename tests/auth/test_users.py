"""Regulators manage user accounts; log-in and log-out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.auth.models import User
from tests.forms import field_errors
from tests.forms import option_labels
from tests.forms import submitted


def _users(db: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(User)))


def test_regulator_creates_an_operator_and_it_logs_in(
    client: Any, app: Any, login_as: Any, make_org: Any, db: Any
) -> None:
    org = make_org()
    login_as("regulator")
    resp = client.post(
        "/users/new",
        data={
            "email": "New.Operator@Example.cn",
            "password": "long-enough-1",
            "role": "operator",
            "organization_id": str(org.id),
            "name": "新用户",
            "locale": "zh",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "new.operator@example.cn"))
    assert user is not None and user.organization_id == org.id and user.role == "operator"
    other = app.test_client()
    r = other.post("/login", data={"email": "new.operator@example.cn", "password": "long-enough-1"})
    assert r.status_code == 302
    assert other.get("/facilities").status_code == 200


def test_rejected_user_form_keeps_input(client: Any, login_as: Any, make_org: Any, db: Any) -> None:
    org = make_org()
    login_as("regulator", locale="en")
    before = _users(db)
    resp = client.post(
        "/users/new",
        data={
            "email": "inspector.x@example.cn",
            "password": "short",
            "role": "inspector",
            "organization_id": str(org.id),
            "name": "某人",
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    kept = submitted(html)
    assert kept["email"] == "inspector.x@example.cn" and kept["name"] == "某人"
    assert kept["role"] == "inspector" and kept["organization_id"] == str(org.id)
    assert kept["password"] == ""  # a password is never sent back
    assert "password" in field_errors(html)
    assert _users(db) == before


def test_operator_without_organization_and_duplicate_email_are_refused(
    client: Any, login_as: Any, make_user: Any, db: Any
) -> None:
    existing = make_user("viewer")
    login_as("regulator", locale="en")
    before = _users(db)
    resp = client.post(
        "/users/new",
        data={"email": "op@example.cn", "password": "long-enough-1", "role": "operator"},
    )
    assert resp.status_code == 422
    assert "organization" in field_errors(resp.get_data(as_text=True))["organization_id"]
    resp = client.post(
        "/users/new",
        data={"email": existing.email.upper(), "password": "long-enough-1", "role": "viewer"},
    )
    assert resp.status_code == 422
    assert "already registered" in field_errors(resp.get_data(as_text=True))["email"]
    resp = client.post(
        "/users/new",
        data={"email": "x@example.cn", "password": "long-enough-1", "role": "admin"},
    )
    assert resp.status_code == 422 and "role" in field_errors(resp.get_data(as_text=True))
    assert _users(db) == before


def test_role_choices_are_translated(client: Any, login_as: Any) -> None:
    login_as("regulator", locale="zh")
    labels = option_labels(client.get("/users/new").get_data(as_text=True), "role")
    assert labels["inspector"] == "巡检员" and labels["regulator"] == "监管部门"


def test_regulator_edits_a_user_and_cannot_demote_themself(
    client: Any, login_as: Any, make_user: Any, db: Any
) -> None:
    viewer = make_user("viewer")
    me = login_as("regulator", locale="en")
    form = submitted(client.get(f"/users/{viewer.id}/edit").get_data(as_text=True))
    form.pop("active", None)  # untick: deactivate
    form["name"] = "停用的账号"
    assert client.post(f"/users/{viewer.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, viewer.id).active is False
    mine = submitted(client.get(f"/users/{me.id}/edit").get_data(as_text=True))
    resp = client.post(f"/users/{me.id}/edit", data=dict(mine, role="viewer"))
    assert resp.status_code == 422 and "role" in field_errors(resp.get_data(as_text=True))


def test_login_logout_and_wrong_password(client: Any, make_user: Any) -> None:
    user = make_user("inspector", password="right-password")
    r = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert r.status_code == 401 and user.email in r.get_data(as_text=True)
    r = client.post("/login", data={"email": user.email.upper(), "password": "right-password"})
    assert r.status_code == 302
    assert client.get("/assets").status_code == 200
    assert client.post("/logout").status_code == 302
    r = client.get("/assets")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_deactivated_user_cannot_log_in(client: Any, make_user: Any, db: Any) -> None:
    user = make_user("viewer", password="right-password")
    user.active = False
    db.session.commit()
    r = client.post("/login", data={"email": user.email, "password": "right-password"})
    assert r.status_code == 401
