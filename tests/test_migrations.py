"""`db upgrade` on an empty database gives exactly the models' schema; `downgrade base` undoes it.

Runs on a fresh SQLite file, and on a fresh PostgreSQL schema when TEST_DATABASE_URL is set.
Whatever models and migrations the branches add, the comparison covers them all.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from flask_migrate import upgrade

from registry import create_app
from registry.extensions import db
from tests.conftest import make_config


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'empty.db'}", None
        return
    schema = f"m_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _tables(engine: Any) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _index_options_missing(conn: Any) -> list[str]:
    """The models' index storage options (PostgreSQL's WITH) the database lacks: Alembic's
    comparison does not look at them."""
    if conn.dialect.name != "postgresql":
        return []
    missing = []
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            wanted = index.dialect_options["postgresql"]["with"] or {}
            found = conn.scalar(
                sa.text("SELECT reloptions FROM pg_class WHERE oid = to_regclass(:name)"),
                {"name": index.name},
            )
            missing += [
                f"{index.name}: {k}={v}"
                for k, v in wanted.items()
                if f"{k}={v}" not in (found or [])
            ]
    return missing


def test_upgrade_matches_the_models_and_downgrade_undoes_it(
    tmp_path: Path, empty_database: tuple[str, str | None]
) -> None:
    url, schema = empty_database
    app = create_app(make_config(tmp_path, url, schema))
    with app.app_context():
        try:
            assert _tables(db.engine) == set()
            upgrade()
            assert _tables(db.engine) >= {t.name for t in db.metadata.sorted_tables}
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
                missing = _index_options_missing(conn)
            assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
            assert missing == [], f"index options of the models not in the database: {missing}"

            downgrade(revision="base")
            assert _tables(db.engine) <= {"alembic_version"}
            upgrade()  # and back up again, as a deployment that rolled back would
            assert "audit_event" in _tables(db.engine)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_migrations_form_a_single_line() -> None:
    from alembic.script import ScriptDirectory

    from registry.app import PACKAGE_DIR

    script = ScriptDirectory(str(PACKAGE_DIR / "migrations"))
    heads = script.get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"
    for rev in script.walk_revisions():
        name = Path(rev.path).name
        assert name[:8].isdigit(), f"migration file names start with the date: {name}"
