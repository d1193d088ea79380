"""Fixtures: app, db (rolled back per test), client, login_as, factories, a two-organization world.

TEST_DATABASE_URL selects PostgreSQL; each run then works in a schema of its own that it drops
at the end, so concurrent and later runs on the shared database never see each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from registry import create_app
from registry.core.creditcode import complete
from registry.extensions import db as _db
from tests.helpers import IN_CI
from tests.smtp_server import AnyPortController
from tests.smtp_server import Inbox


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"


def _database_url(tmp: Path) -> tuple[str, str | None]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'test.db'}", None
    return url, f"t_{uuid.uuid4().hex[:12]}"


def make_config(tmp: Path, url: str, schema: str | None, **extra: Any) -> dict[str, Any]:
    """Return the test settings for an app on the given database."""
    engine_options: dict[str, Any] = {}
    if schema:
        engine_options["connect_args"] = {"options": f"-csearch_path={schema}"}
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PUBLIC_BASE_URL": "http://registry.test",
        "SERVER_NAME": None,
        # Fast hashes keep fixtures quick; production keeps Werkzeug's default (scrypt).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def db_location(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str | None]]:
    """Create the test database (or PostgreSQL schema) for the run, and drop it afterwards."""
    tmp = tmp_path_factory.mktemp("registry")
    url, schema = _database_url(tmp)
    if schema:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    yield tmp, url, schema
    if schema:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (its own `g` and session), as on a real server."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(db_location: tuple[Path, str, str | None]) -> Iterator[Flask]:
    """The app, on a database upgraded by the migrations (not create_all)."""
    tmp, url, schema = db_location
    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))
    application = create_app(make_config(tmp, url, schema))
    application.test_client_class = FreshContextClient
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server the app sends to for this test; its inbox holds what arrived."""
    inbox = Inbox()
    controller = AnyPortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database, with every change of the test rolled back at its end."""
    with app.app_context():
        engines = _db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        sqlite_raw = None
        if engine.dialect.name == "sqlite":
            # The sqlite3 driver begins transactions lazily, so a SAVEPOINT issued first would
            # start (and its RELEASE commit) the outer transaction: let this connection's
            # transaction be explicit so every test's changes really roll back.
            sqlite_raw = connection.connection.dbapi_connection
            sqlite_raw.isolation_level = None  # type: ignore[union-attr]
        outer = connection.begin()
        if sqlite_raw is not None:
            connection.exec_driver_sql("BEGIN")
        engines[None] = connection  # type: ignore[assignment]
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session.configure(join_transaction_mode="conditional_savepoint")
            engines[None] = engine
            if outer.is_active:
                outer.rollback()
            if sqlite_raw is not None:
                sqlite_raw.isolation_level = ""  # type: ignore[union-attr]
            connection.close()


def _truncate_all(application: Flask) -> None:
    from registry.audit import guard

    with application.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn, guard.suspended(conn):
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def committed_db(app: Flask) -> Iterator[Any]:
    """The database with real commits (threads, live servers); every table emptied afterwards."""
    _truncate_all(app)
    with app.app_context():
        yield _db
    _truncate_all(app)


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    """A test client on the rolled-back database."""
    return app.test_client()


_seq = count(1)


@pytest.fixture
def make_org(db: Any) -> Callable[..., Any]:
    """Create organizations: make_org(name=...)."""
    from registry.sites.services import create_organization

    def factory(**fields: Any) -> Any:
        n = next(_seq)
        data = {
            "name": f"测试运营单位{n}",
            "credit_code": complete(f"91110101{n:09d}"),
            "contact_email": f"org{n}@example.cn",
            "contact_name": f"联系人{n}",
        }
        data.update(fields)
        org = create_organization(data)
        _db.session.commit()
        return org

    return factory


@pytest.fixture
def make_facility(db: Any, make_org: Callable[..., Any]) -> Callable[..., Any]:
    """Create facilities: make_facility(organization=org, name=...)."""
    from registry.sites.services import create_facility

    def factory(organization: Any = None, **fields: Any) -> Any:
        org = organization or make_org()
        data = {
            "organization_id": org.id,
            "name": f"测试加油站{next(_seq)}",
            "kind": "gas_station",
            "subdistrict": "东直门街道",
            "address": "北京市东城区测试路1号",
            "latitude": 39.94,
            "longitude": 116.43,
            "key_supervised": False,
            "status": "active",
        }
        data.update(fields)
        facility = create_facility(data, by=None)
        _db.session.commit()
        return facility

    return factory


@pytest.fixture
def make_asset(db: Any, make_facility: Callable[..., Any]) -> Callable[..., Any]:
    """Create tanks or pipelines: make_asset(facility=f, kind="pipeline", ...)."""
    from registry.assets.services import create_asset

    def factory(facility: Any = None, kind: str = "tank", **fields: Any) -> Any:
        fac = facility or make_facility()
        data: dict[str, Any] = {
            "facility_id": fac.id,
            "kind": kind,
            "operator_ref": f"R{next(_seq)}",
            "substance": "gasoline",
            "status": "in_service",
            "installed_on": date(2020, 1, 15),
            "wall": "double",
            "material": "frp",
            "anti_seepage": "double_wall",
            "corrosion_protection": "none",
            "leak_detection": ["interstitial"],
        }
        if kind == "tank":
            data.update(capacity_litres=30000.0)
        else:
            data.update(
                piping_type="pressurized", length_m=40.0, diameter_mm=50.0, line_leak_detector=True
            )
        data.update(fields)
        asset = create_asset(data, by=None)
        _db.session.commit()
        return asset

    return factory


@pytest.fixture
def make_user(db: Any, make_org: Callable[..., Any]) -> Callable[..., Any]:
    """Create users: make_user("operator", organization=org)."""
    from registry.auth.services import create_user

    def factory(
        role: str = "operator", organization: Any = None, password: str = "secret-pass-1", **kw: Any
    ) -> Any:
        if role == "operator" and organization is None:
            organization = make_org()
        user = create_user(
            email=kw.pop("email", f"{role}{next(_seq)}@example.cn"),
            password=password,
            role=role,
            organization=organization if role == "operator" else None,
            **kw,
        )
        _db.session.commit()
        return user

    return factory


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """Log the test client in as a new user of a role: login_as("operator", organization=org)."""

    def do(role: str, organization: Any = None, **kw: Any) -> Any:
        user = make_user(role, organization=organization, **kw)
        with client.session_transaction() as sess:
            sess["_user_id"] = str(user.id)
            sess["_fresh"] = True
        return user

    return do


@pytest.fixture
def api_headers(db: Any) -> Callable[[Any], dict[str, str]]:
    """Return Authorization headers with a fresh bearer token for a user."""
    from registry.auth.services import issue_token

    def make(user: Any) -> dict[str, str]:
        token = issue_token(user, days=1)
        _db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def world(
    make_org: Callable[..., Any],
    make_facility: Callable[..., Any],
    make_asset: Callable[..., Any],
    make_user: Callable[..., Any],
) -> dict[str, Any]:
    """Organizations A and B, each with a facility, a tank and a pipeline; a user per role."""
    org_a, org_b = make_org(name="甲公司"), make_org(name="乙公司")
    # Registered on a fixed day (before the tanks' installation, 2020-01-15), not the day the
    # test runs: tests that pin `as_of` must not depend on the real clock, and the tanks'
    # obligations are overdue, not `no_record` (onboarding grace, ONBOARDING_DAYS).
    since = date(2020, 1, 10)
    fac_a = make_facility(org_a, name="甲加油站", registered_on=since)
    fac_b = make_facility(org_b, name="乙加油站", registered_on=since)
    world = {
        "org_a": org_a,
        "org_b": org_b,
        "fac_a": fac_a,
        "fac_b": fac_b,
        # Tanks too: registered today, their old obligations would wait as `no_record`.
        "tank_a": make_asset(fac_a, registered_on=since),
        "pipe_a": make_asset(fac_a, kind="pipeline", registered_on=since),
        "tank_b": make_asset(fac_b, registered_on=since),
        "pipe_b": make_asset(fac_b, kind="pipeline", registered_on=since),
        "users": {
            "operator_a": make_user("operator", organization=org_a),
            "operator_b": make_user("operator", organization=org_b),
            "inspector": make_user("inspector"),
            "regulator": make_user("regulator"),
            "viewer": make_user("viewer"),
        },
    }
    _extend_world(world)
    return world


def _extend_world(world: dict[str, Any]) -> None:
    """Let domains add rows to the world: `tests/<domain>/world.py` with `extend(world)`."""
    import importlib
    import pkgutil

    import tests

    root = Path(tests.__file__).parent
    for info in sorted(pkgutil.iter_modules([str(root)]), key=lambda i: i.name):
        if info.ispkg and (root / info.name / "world.py").exists():
            importlib.import_module(f"tests.{info.name}.world").extend(world)
