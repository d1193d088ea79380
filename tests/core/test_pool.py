"""A pooled connection the server ended is replaced at checkout, without a ping per request."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from registry.core import pool
from registry.extensions import db


def _pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT pg_backend_pid()")))


def _terminate(engine: sa.Engine, pid: int) -> None:
    url = engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # the backend is gone once pg_stat_activity forgets it
            if other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                time.sleep(0.05)


def test_only_postgresql_gets_the_check_and_no_pre_ping(app: Any) -> None:
    with app.app_context():
        engine = db.engine
    postgres = engine.dialect.name == "postgresql"
    assert sa.event.contains(engine, "checkout", pool.check) is postgres
    assert sa.event.contains(engine, "checkin", pool.returned) is postgres
    assert engine.pool._pre_ping is False


def test_a_connection_the_server_ended_is_replaced_without_an_error(app: Any) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            # SQLite opens a file: no server can end a connection, nothing is checked.
            assert not sa.event.contains(engine, "checkout", pool.check)
            return
        first = _pid(engine)
        _terminate(engine, first)
        second = _pid(engine)  # the same pooled connection would raise OperationalError
        assert second != first


def test_a_connection_idle_for_long_is_pinged_and_a_fresh_one_is_not(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[Any] = []
    monkeypatch.setattr(pool, "_ping", pings.append)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            assert not sa.event.contains(engine, "checkout", pool.check)
            return
        _pid(engine)
        _pid(engine)
        assert pings == []  # returned a moment ago: the socket check alone
        monkeypatch.setattr(pool, "IDLE_PING_SECONDS", -1.0)
        _pid(engine)
        assert len(pings) == 1


def test_a_descriptor_past_1024_is_checked_too(app: Any) -> None:
    """Busy servers hold many descriptors: the socket check must not fail past select's 1024."""
    left, right = socket.socketpair()
    high = os.dup2(left.fileno(), 1500)
    try:

        class Conn:
            closed = False

            def fileno(self) -> int:
                return high

        assert pool.is_alive(Conn(), 0.0)  # nothing written: alive
        right.send(b"E")  # the server wrote (an error, a notice): dead
        assert not pool.is_alive(Conn(), 0.0)
    finally:
        os.close(high)
        left.close()
        right.close()
