"""Is a pooled PostgreSQL connection still alive? Asked without a round trip when it can be.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` on every checkout: one round trip more on every
request, about a tenth of a tag look-up's time (issue 24). A server that ends a connection
(restart, `pg_terminate_backend`, idle timeout) sends an error or closes the socket, so an idle
connection whose socket has something to read is dead: that is checked without a round trip.
Only a connection idle for longer than `IDLE_PING_SECONDS` (where a firewall may have dropped it
without a word) is still pinged. A dead connection raises `DisconnectionError`, on which the pool
opens a new one and the request never sees it.
"""

from __future__ import annotations

import select
import time
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy import exc

from registry.extensions import db

IDLE_PING_SECONDS = 30.0
_RETURNED = "registry_returned_at"


def _has_input(dbapi_conn: Any) -> bool:
    """True when the server wrote to an idle connection: an error, a notice or end of file."""
    # poll, not select: a busy server's descriptors pass 1024, which select cannot watch
    # (every connection would then look dead and be opened again on each request).
    poller = select.poll()
    poller.register(dbapi_conn.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _ping(dbapi_conn: Any) -> None:
    """One round trip outside any transaction (as SQLAlchemy's pre-ping does for psycopg)."""
    before = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    try:
        dbapi_conn.execute("SELECT 1")
    finally:
        if not dbapi_conn.closed:
            dbapi_conn.autocommit = before


def is_alive(dbapi_conn: Any, idle_seconds: float) -> bool:
    """Whether an idle connection can be handed out (a ping only after a long idle)."""
    try:
        if dbapi_conn.closed or _has_input(dbapi_conn):
            return False
        if idle_seconds > IDLE_PING_SECONDS:
            _ping(dbapi_conn)
    except Exception:  # any failure of the check means the connection cannot be trusted
        return False
    return True


def returned(_dbapi_conn: Any, record: Any) -> None:
    """Note when a connection went back to the pool."""
    record.info[_RETURNED] = time.monotonic()


def check(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Refuse a dead connection at checkout: the pool then opens a new one."""
    since = record.info.get(_RETURNED)
    if since is None:  # just connected
        return
    if not is_alive(dbapi_conn, time.monotonic() - since):
        raise exc.DisconnectionError("the server ended this connection")


def check_connections_cheaply(app: Flask) -> None:
    """Replace the per-checkout ping on PostgreSQL by the socket check above."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql" or engine.pool._pre_ping:
        return
    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", check)
