"""A request that only read ends in COMMIT (keeping prepared statements); any other, in ROLLBACK."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask

from registry.auth.models import User
from registry.core.errors import DomainError
from registry.extensions import db as _db

EMAIL = "tx-probe@example.org"


@contextmanager
def _ends(app: Flask) -> Iterator[list[str]]:
    """Record how the transactions of the block end: 'commit' or 'rollback'."""
    seen: list[str] = []
    with app.app_context():
        engine = _db.engine

    def commit(_conn: Any) -> None:
        seen.append("commit")

    def rollback(_conn: Any) -> None:
        seen.append("rollback")

    sa.event.listen(engine, "commit", commit)
    sa.event.listen(engine, "rollback", rollback)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "commit", commit)
        sa.event.remove(engine, "rollback", rollback)


def _add_user(app: Flask) -> None:
    with app.app_context():
        _db.session.add(User(email=EMAIL, password_hash="x", role="regulator"))
        _db.session.commit()


def _emails(app: Flask) -> list[str]:
    with app.app_context():
        return list(_db.session.scalars(sa.select(User.email).order_by(User.email)))


def test_a_context_that_only_read_ends_in_commit(app: Flask, committed_db: Any) -> None:
    with _ends(app) as seen, app.app_context():
        _db.session.scalar(sa.select(User.id).where(User.email == EMAIL))
    assert seen == ["commit"]


def test_a_context_that_read_nothing_ends_no_transaction(app: Flask, committed_db: Any) -> None:
    with _ends(app) as seen, app.app_context():
        pass
    assert seen == []


def test_a_write_left_uncommitted_is_rolled_back(app: Flask, committed_db: Any) -> None:
    with _ends(app) as seen, app.app_context():
        # Core, past the ORM's bookkeeping: only the statement shows that it wrote.
        _db.session.execute(
            sa.insert(User).values(email=EMAIL, password_hash="x", role="regulator", active=True)
        )
    assert seen == ["rollback"]
    assert _emails(app) == []


def test_pending_and_changed_objects_are_not_flushed_by_the_commit(
    app: Flask, committed_db: Any
) -> None:
    _add_user(app)
    with _ends(app) as seen, app.app_context():
        user = _db.session.scalars(sa.select(User).where(User.email == EMAIL)).one()
        user.name = "changed, never committed"
        _db.session.add(User(email="pending@example.org", password_hash="x", role="regulator"))
    assert seen == ["rollback"]
    with app.app_context():
        assert _db.session.scalar(sa.select(User.name).where(User.email == EMAIL)) is None
    assert _emails(app) == [EMAIL]


def test_a_flushed_write_then_a_handled_error_is_rolled_back(app: Flask, committed_db: Any) -> None:
    with _ends(app) as seen, app.test_request_context("/"):
        _db.session.add(User(email=EMAIL, password_hash="x", role="regulator"))
        _db.session.flush()
        # An error page is an answer like any other (the teardown sees no exception).
        response = app.make_response(app.handle_user_exception(DomainError("refused")))
        assert response.status_code >= 400
    assert seen == ["rollback"]
    assert _emails(app) == []


def test_a_caught_failed_flush_is_rolled_back(app: Flask, committed_db: Any) -> None:
    _add_user(app)
    with _ends(app) as seen, app.app_context():
        _db.session.add(User(email=EMAIL, password_hash="x", role="regulator"))
        try:
            _db.session.flush()  # the same e-mail again: refused by the unique index
        except sa.exc.IntegrityError:
            pass  # and left to the teardown, as a careless view would
    assert seen == ["rollback"]
    with app.app_context():
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_error_ends_in_rollback(app: Flask, committed_db: Any) -> None:
    with _ends(app) as seen:
        try:
            with app.app_context():
                _db.session.scalar(sa.select(User.id))
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert seen == ["rollback"]


def test_a_read_only_with_ends_in_commit_and_a_modifying_one_in_rollback(
    app: Flask, committed_db: Any
) -> None:
    """The lists' WITH RECURSIVE (distinct subdistricts) is a read: it must not end the
    request in a rollback, which throws every prepared statement away."""
    _add_user(app)
    read = "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 3) "
    with _ends(app) as seen, app.app_context():
        assert _db.session.scalar(sa.text(read + "SELECT max(v) FROM n")) == 3
    assert seen == ["commit"]
    with _ends(app) as seen, app.app_context():
        gone = sa.text(
            "WITH doomed AS (SELECT id FROM user_account WHERE email = :e) "
            "DELETE FROM user_account WHERE id IN (SELECT id FROM doomed)"
        )
        _db.session.execute(gone, {"e": EMAIL})
        left = sa.select(sa.func.count()).select_from(User).where(User.email == EMAIL)
        assert _db.session.scalar(left) == 0
    assert seen == ["rollback"]


def test_statements_stay_prepared_across_requests(app: Flask, committed_db: Any) -> None:
    _add_user(app)
    for _ in range(100):  # enough for every pooled connection to pass psycopg's threshold
        with app.app_context():
            assert _db.session.scalar(sa.select(User.id).where(User.email == EMAIL))
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            # SQLite has no server-side statements; what is checked there is the commit above.
            assert _db.engine.dialect.name == "sqlite"
            return
        prepared = _db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements"))
        assert any("user_account.email = $1" in s for s in prepared)
