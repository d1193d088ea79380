"""SQLite settings for a server that several workers write to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def enable_sqlite_pragmas(engine: Engine) -> None:
    """Turn on WAL, foreign keys and a busy timeout; make SAVEPOINTs real on SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        if ":memory:" not in str(engine.url):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # The sqlite3 driver opens transactions lazily, on its own terms: a SAVEPOINT issued
        # before its hidden BEGIN starts the transaction, and releasing it commits everything
        # (nested transactions then silently commit). Let SQLAlchemy emit BEGIN itself.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")
