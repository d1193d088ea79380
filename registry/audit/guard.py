"""Database-level protection of the audit log: triggers refuse UPDATE and DELETE.

The ORM guard in `registry.audit.services` stops the app; these triggers stop everything
else (a raw SQL session, another program). Installed by a migration; `suspended()` lifts
them for the test suite's table cleaning only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

MESSAGE = "audit_event is append-only"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
_POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused'; END $$ "
    "LANGUAGE plpgsql",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]
_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def _statements(dialect: str, install: bool) -> list[str]:
    if dialect == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if dialect == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    raise NotImplementedError(f"no audit triggers for {dialect}")


def install(conn: Any) -> None:
    """Create the triggers on a connection (SQLite or PostgreSQL)."""
    for sql in _statements(conn.dialect.name, install=True):
        conn.exec_driver_sql(sql)


def remove(conn: Any) -> None:
    """Drop the triggers."""
    for sql in _statements(conn.dialect.name, install=False):
        conn.exec_driver_sql(sql)


@contextlib.contextmanager
def suspended(conn: Any) -> Iterator[None]:
    """Lift the triggers inside a transaction (only for emptying a test database)."""
    remove(conn)
    try:
        yield
    finally:
        install(conn)
