"""A real server for the e2e layer: gunicorn on a free port, on a fresh database, over HTTP.

Nothing of the app runs in the test process: the database is upgraded and the first user made
with the `ust-registry` command line, the server is `gunicorn 'registry:create_app()'` as in
production (CSRF on, rate limits on, two workers), and the tests talk to it with `requests`.
TEST_DATABASE_URL selects PostgreSQL: the server then works in a schema of its own.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from registry.core.creditcode import complete

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-pass-4711"
BOOT_SECONDS = 90
ROLES = ("regulator", "operator", "operator_b", "inspector", "viewer")
_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


@dataclass
class Server:
    """The running server: its address, its log, and who may log in to it."""

    url: str
    log: Path
    emails: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, int] = field(default_factory=dict)
    # Every instance's address (the first is `url`) and the settings they share.
    urls: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    """Show the end of the server's log under a failed test."""
    outcome = yield
    report = outcome.get_result()
    server = getattr(item, "funcargs", {}).get("server")
    if report.failed and isinstance(server, Server) and server.log.exists():
        report.sections.append(("gunicorn log (last lines)", server.log_tail()))


def csrf_token(html: str) -> str:
    """The CSRF token of a page's form (the hidden `csrf_token` field)."""
    match = _CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def log_in(server: Server, role: str) -> requests.Session:
    """A browser-like session logged in through the real form: fetch /login, post it back."""
    session = requests.Session()
    page = session.get(f"{server.url}/login", timeout=30)
    assert page.status_code == 200
    form = {"email": server.emails[role], "password": PASSWORD, "csrf_token": csrf_token(page.text)}
    resp = session.post(f"{server.url}/login", data=form, allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text[:500]
    assert "/login" not in resp.headers["Location"]
    return session


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database(tmp: Path, url: str | None) -> tuple[str, str | None]:
    """The server's DATABASE_URL, and the PostgreSQL schema made for it (None on SQLite)."""
    if not url:
        return f"sqlite:///{tmp / 'e2e.db'}", None
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    # The app takes no engine options from the environment: the schema rides in the URL,
    # which SQLAlchemy hands to psycopg as the connection's `options`.
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}", schema


def _drop(schema: str | None, url: str | None) -> None:
    if schema is None or url is None:
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


CLI = [sys.executable, "-c", "from registry.cli import main; main()"]


def _cli(env: dict[str, str], *args: str) -> str:
    """Run `ust-registry ARGS` (the console script's entry point) against the server's settings."""
    done = subprocess.run(
        [*CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"ust-registry {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def _wait_until_up(proc: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            if requests.get(f"{server.url}/login", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or its workers are still importing the app
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer within {BOOT_SECONDS} s:\n{server.log_tail()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (their own process group), forcibly if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _add_people(server: Server) -> None:
    """Two organizations (API) and a user of each other role (the regulator's user form)."""
    regulator = log_in(server, "regulator")
    token = regulator.post(
        f"{server.url}/api/v1/auth/token",
        json={"email": server.emails["regulator"], "password": PASSWORD},
        timeout=30,
    ).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    for key, n in (("a", 1), ("b", 2)):
        body = {
            "name": f"端到端运营单位{key}",
            "credit_code": complete(f"91110101E2E00000{n}"),
            "contact_email": f"org-{key}@e2e.test",
        }
        resp = requests.post(
            f"{server.url}/api/v1/organizations", json=body, headers=bearer, timeout=30
        )
        assert resp.status_code == 201, resp.text
        server.organizations[key] = resp.json()["id"]
    for role in ROLES[1:]:
        page = regulator.get(f"{server.url}/users/new", timeout=30)
        org = {"operator": "a", "operator_b": "b"}.get(role)
        form = {
            "csrf_token": csrf_token(page.text),
            "email": server.emails[role],
            "password": PASSWORD,
            "role": "operator" if org else role,
            "organization_id": str(server.organizations[org]) if org else "",
        }
        resp = regulator.post(
            f"{server.url}/users/new", data=form, allow_redirects=False, timeout=30
        )
        assert resp.status_code == 302, resp.text[:2000]


def _gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    cmd = [
        *(sys.executable, "-m", "gunicorn", "--chdir", str(ROOT)),
        *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"),
        # gunicorn 27 listens on ~/.gunicorn/gunicorn.ctl by default: two servers at once
        # (two test runs on one machine) would fight over it.
        "--no-control-socket",
        "registry:create_app()",
    ]
    with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


@contextmanager
def serve(
    tmp: Path,
    *,
    demo: bool = False,
    instances: int = 1,
    database: str | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run gunicorn on a fresh database with a user of each role (and the demo data).

    `instances` > 1 starts that many servers on the one database (as behind a balancer);
    `database` is a PostgreSQL URL to use instead of TEST_DATABASE_URL; `settings` add to
    the environment of every instance and command.
    """
    database = database or os.environ.get("TEST_DATABASE_URL")
    database_url, schema = _database(tmp, database)
    ports = [_free_port() for _ in range(instances)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": database_url,
        "SECRET_KEY": uuid.uuid4().hex,
        "INSTANCE_PATH": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports[0]}",
        # Every test logs in (form and token share one counter per client) from one address,
        # more often than a person would; the limits themselves are tested in tests/auth.
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
        **(settings or {}),
    }
    server = Server(
        url=f"http://127.0.0.1:{ports[0]}",
        log=tmp / "gunicorn.log",
        emails={role: f"{role}@e2e.test" for role in ROLES},
        urls=[f"http://127.0.0.1:{port}" for port in ports],
        env=env,
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _cli(env, "db", "upgrade")
        if demo:
            _cli(env, "demo")
        logs = [server.log, *(tmp / f"gunicorn-{n}.log" for n in range(1, instances))]
        for port, log in zip(ports, logs, strict=True):
            procs.append(_gunicorn(env, port, log))
        # While its workers boot: the first user, with the command line.
        regulator = ("--email", server.emails["regulator"], "--role", "regulator")
        _cli(env, "users", "create", *regulator, "--password", PASSWORD)
        for proc, url, log in zip(procs, server.urls, logs, strict=True):
            _wait_until_up(proc, Server(url=url, log=log))
        _add_people(server)
        yield server
    finally:
        for proc in procs:
            _stop(proc)
        _drop(schema, database)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start gunicorn on a fresh database with a user of each role; stop it at the end."""
    with serve(tmp_path_factory.mktemp("e2e")) as running:
        yield running


@pytest.fixture(scope="session")
def tokens(server: Server) -> dict[str, dict[str, str]]:
    """A bearer header per role, from POST /api/v1/auth/token."""
    return bearer_headers(server)


def bearer_headers(server: Server) -> dict[str, dict[str, str]]:
    """A bearer header per role of a running server, from POST /api/v1/auth/token."""
    out = {}
    for role in ROLES:
        resp = requests.post(
            f"{server.url}/api/v1/auth/token",
            json={"email": server.emails[role], "password": PASSWORD},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        out[role] = {"Authorization": f"Bearer {resp.json()['token']}"}
    return out
