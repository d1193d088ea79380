"""Connections the database ended (a restart, an administrator, an idle timeout) cost no request.

The pool checks a connection when a request takes it, without a round trip
(`registry/core/pool.py`): gunicorn on PostgreSQL, every server connection terminated between
two requests, and the next requests answer as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest
import requests
import sqlalchemy as sa

from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import Server
from tests.e2e.conftest import log_in
from tests.e2e.conftest import serve
from tests.e2e.test_scale import _postgres


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, datetime]]:
    """A server on PostgreSQL (whatever database the suite runs on), and when it started."""
    url = _postgres()
    # The database's clock, not this process's: CI also runs the suite with the clock moved.
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        started = conn.scalar(sa.text("SELECT clock_timestamp()"))
    engine.dispose()
    with serve(tmp_path_factory.mktemp("restart"), database=url) as server:
        yield server, url, started


def _terminate_since(url: str, started: datetime) -> int:
    """End every connection to the database opened since the server started (its own)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        pids = conn.scalars(
            sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND backend_start >= :started"
            ),
            {"started": started},
        ).all()
        for pid in pids:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):
            alive = conn.scalar(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                {"pids": list(pids)},
            )
            if not alive:
                break
            time.sleep(0.05)
        conn.commit()
    engine.dispose()
    return len(pids)


def test_pages_and_the_api_answer_after_the_database_ended_every_connection(
    pg_server: tuple[Server, str, datetime],
) -> None:
    server, url, started = pg_server
    session = log_in(server, "inspector")
    for _ in range(8):  # both workers hold pooled connections
        assert session.get(f"{server.url}/assets", timeout=30).status_code == 200
    assert _terminate_since(url, started) >= 1
    statuses = [session.get(f"{server.url}/assets", timeout=30).status_code for _ in range(12)]
    assert statuses == [200] * 12, server.log_tail()
    resp = requests.post(
        f"{server.url}/api/v1/auth/token",
        json={"email": server.emails["inspector"], "password": PASSWORD},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    bearer = {"Authorization": f"Bearer {resp.json()['token']}"}
    assert _terminate_since(url, started) >= 1
    answers = [
        requests.get(f"{server.url}/api/v1/assets", headers=bearer, timeout=30).status_code
        for _ in range(12)
    ]
    assert answers == [200] * 12, server.log_tail()
    assert "Traceback" not in server.log.read_text(errors="replace")
