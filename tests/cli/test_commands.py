"""The command line: users create, demo (idempotent), demo-if-empty, and the printed logins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.auth.models import User
from registry.core import creditcode
from registry.sites.models import Facility
from registry.sites.models import Organization


@pytest.fixture
def run(app: Any, db: Any) -> Any:
    """Invoke a command of the app's group on the rolled-back database."""
    runner = app.test_cli_runner()

    def invoke(*args: str) -> Any:
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return invoke


def _count(db: Any, model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)))


def test_users_create(run: Any, make_org: Any, db: Any) -> None:
    org = make_org()
    result = run(
        "users",
        "create",
        "--email",
        "Op@Example.cn",
        "--password",
        "long-enough-1",
        "--role",
        "operator",
        "--org",
        org.credit_code.lower(),
        "--name",
        "操作员",
    )
    assert result.exit_code == 0, result.output
    assert "created operator op@example.cn" in result.output
    user = db.session.scalar(select(User).where(User.email == "op@example.cn"))
    assert user.organization_id == org.id and user.name == "操作员"
    assert user.check_password("long-enough-1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "admin"], "Invalid value for '--role'"),
        (["--role", "operator"], "An operator belongs to an organization."),
        (["--role", "operator", "--org", "911101010000000099"], "no organization with credit code"),
        (["--role", "viewer", "--password", "short"], "at least 8 characters"),
    ],
)
def test_users_create_refuses_bad_input(run: Any, db: Any, args: list[str], message: str) -> None:
    base = ["users", "create", "--email", "x@example.cn", "--password", "long-enough-1"]
    # later options win, so the case's own --password replaces the default one
    result = run(*base, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert _count(db, User, User.email == "x@example.cn") == 0


def test_users_create_refuses_a_duplicate_email(run: Any, make_user: Any, db: Any) -> None:
    existing = make_user("viewer")
    result = run(
        "users",
        "create",
        "--email",
        existing.email.upper(),
        "--password",
        "long-enough-1",
        "--role",
        "inspector",
    )
    assert result.exit_code != 0 and "already registered" in result.output
    assert _count(db, User) == 1


def _counts(db: Any) -> dict[str, int]:
    return {
        "orgs": _count(db, Organization),
        "facilities": _count(db, Facility),
        "tanks": _count(db, Tank),
        "pipelines": _count(db, Pipeline),
        "users": _count(db, User),
    }


def test_demo_is_complete_and_idempotent(run: Any, db: Any) -> None:
    first = run("demo")
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    assert counts["orgs"] >= 3 and counts["facilities"] == 6
    assert counts["tanks"] == 20 and counts["pipelines"] == 8
    second = run("demo")
    assert second.exit_code == 0 and "already present" in second.output
    assert _counts(db) == counts

    orgs = list(db.session.scalars(select(Organization)))
    assert all(creditcode.is_valid(o.credit_code) for o in orgs)
    assert {u.role for u in db.session.scalars(select(User))} == {
        "operator",
        "inspector",
        "regulator",
        "viewer",
    }
    facilities = list(db.session.scalars(select(Facility)))
    assert {f.kind for f in facilities} == {"gas_station", "oil_depot", "key_supervised_unit"}
    assert all(f.subdistrict and f.latitude and f.longitude for f in facilities)
    assert all(re.search(r"[\u4e00-\u9fff]", f.name) for f in facilities)
    tanks = list(db.session.scalars(select(Tank)))
    bare = [t for t in tanks if t.wall == "single" and t.anti_seepage == "none"]
    assert len(bare) == 1
    assert any(t.wall == "single" and t.anti_seepage == "seepage_pit" for t in tanks)
    assert any(t.wall == "double" for t in tanks)
    assert _count(db, Asset, Asset.tag.is_(None)) == 0


def test_printed_demo_logins_log_in(run: Any, app: Any, db: Any) -> None:
    output = run("demo").output
    logins = re.findall(
        r"^\s+(operator|inspector|regulator|viewer)\s+(\S+@\S+)\s+(\S+)$", output, re.M
    )
    assert {role for role, _, _ in logins} == {"operator", "inspector", "regulator", "viewer"}
    for role, email, password in logins:
        client = app.test_client()
        resp = client.post("/login", data={"email": email, "password": password})
        assert resp.status_code == 302, (role, email)
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role == role


def test_demo_if_empty(run: Any, make_org: Any, db: Any) -> None:
    result = run("demo-if-empty")
    assert result.exit_code == 0 and _counts(db)["tanks"] == 20
    result = run("demo-if-empty")
    assert result.exit_code == 0 and "not empty" in result.output
    assert _counts(db)["tanks"] == 20


def test_demo_if_empty_leaves_a_real_registry_alone(run: Any, make_org: Any, db: Any) -> None:
    make_org()
    result = run("demo-if-empty")
    assert result.exit_code == 0 and "not empty" in result.output
    assert _counts(db)["orgs"] == 1 and _counts(db)["tanks"] == 0


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--port", "8123"], None, "http://127.0.0.1:8123"),
        (["--host", "0.0.0.0", "--port", "8000"], None, "http://127.0.0.1:8000"),
        (["--host", "192.168.1.20"], None, "http://192.168.1.20:5000"),
        (["--port", "8123"], "https://ust.example.cn", "https://ust.example.cn"),
    ],
)
def test_run_points_codes_at_the_port_it_serves(
    app: Any, monkeypatch: Any, args: list[str], env: str | None, expected: str
) -> None:
    import os

    import flask.cli
    from click.testing import CliRunner
    from flask.cli import FlaskGroup

    from registry.cli import run as run_command

    served: dict[str, Any] = {}

    def serve(host: str, port: int, application: Any, **kw: Any) -> None:
        served.update(host=host, port=port, base=os.environ.get("PUBLIC_BASE_URL"))

    monkeypatch.setattr(flask.cli, "run_simple", serve)
    if env is None:
        monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("PUBLIC_BASE_URL", env)
    group = FlaskGroup(create_app=lambda: app, add_default_commands=False)
    group.add_command(run_command)
    result = CliRunner().invoke(group, ["run", "--no-reload", *args])
    assert result.exit_code == 0, result.output
    assert served["base"] == expected
    assert served["port"] == int(args[args.index("--port") + 1]) if "--port" in args else 5000
