"""Shared by the benches: a PostgreSQL schema holding a generated registry, and an app on it.

A schema is named after its size (bench_assets_<n>) and reused when it already holds that
many assets; it is dropped at the end of the run unless BENCH_KEEP is set (a 1M registry takes
minutes to generate, so keep it while iterating). Within one run the benches share them:
they are dropped when the process exits.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa


def pg_url() -> str | None:
    """The PostgreSQL URL the benches use, if any."""
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


def schema_url(url: str, schema: str) -> str:
    """The URL with the schema as its search_path (for gunicorn workers started elsewhere)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def make_app(url: str, schema: str | None, **extra: Any) -> Any:
    """An app on the database (schema), configured like production but for its secrets."""
    from registry import create_app

    options: dict[str, Any] = {"pool_size": 10}
    if schema:
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "SECRET_KEY": "bench",
            "RULE_PACK": "cn-beijing",
            "UPLOAD_DIR": str(tmp),
            "WTF_CSRF_ENABLED": False,
            **extra,
        }
    )


def _prepare(conn: sa.Connection, n_assets: int) -> bool:
    """Create the tables and indexes that are missing; say whether data must be generated."""
    import registry.models  # noqa: F401
    from registry.extensions import db

    conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    db.metadata.create_all(conn)
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)
            _index_options(conn, index)
    return (conn.scalar(sa.text("SELECT count(*) FROM asset")) or 0) != n_assets


def _index_options(conn: sa.Connection, index: sa.Index) -> None:
    """Give an index of a kept schema the models' storage options, as the migrations would
    (fastupdate off for the trigram indexes), and merge what its GIN pending list holds."""
    options = index.dialect_options["postgresql"]["with"]
    if options:
        settings = ", ".join(f"{k} = {v}" for k, v in options.items())
        conn.execute(sa.text(f'ALTER INDEX "{index.name}" SET ({settings})'))
    if index.dialect_options["postgresql"]["using"] == "gin":
        clean = "SELECT gin_clean_pending_list(CAST(:name AS regclass))"
        conn.execute(sa.text(clean), {"name": index.name})


@contextmanager
def registry_schema(n_assets: int) -> Iterator[tuple[str, str]]:
    """Yield (url, schema) of a PostgreSQL schema holding a registry of n_assets assets."""
    from bench.generate import Spec
    from bench.generate import generate

    url = pg_url()
    assert url, "set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL database"
    schema = f"bench_assets_{n_assets}"
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    with engine.begin() as conn:
        if _prepare(conn, n_assets):
            for table in ("inspection", "activity_record", "tank", "pipeline", "asset"):
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
            generate(conn, Spec(assets=n_assets))
    engine.dispose()
    if not os.environ.get("BENCH_KEEP") and schema not in _TO_DROP:
        _TO_DROP.append(schema)
        if len(_TO_DROP) == 1:
            atexit.register(_drop_schemas, url)
    yield url, schema


_TO_DROP: list[str] = []


def _drop_schemas(url: str) -> None:
    """Drop the generated schemas when the run ends (the benches of one run share them)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for schema in _TO_DROP:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def bench_user(role: str = "regulator") -> Any:
    """Return a user of the role for the benches (created once)."""
    from registry.auth.models import User
    from registry.auth.services import create_user
    from registry.extensions import db

    email = f"bench-{role}@example.cn"
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = create_user(email=email, password="bench-pass-123", role=role)
        db.session.commit()
    return user


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def on_both_databases(measure: Any, quick: bool) -> list[dict[str, Any]]:
    """Run `measure(label, url, schema, quick)` on a temporary SQLite file, then on
    PostgreSQL (when `pg_url()` gives one) in a schema of its own, dropped afterwards."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure("sqlite", f"sqlite:///{tmp}/bench.db", None, quick))
    pg = pg_url()
    if pg:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(pg)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            rows.append(measure("postgresql", pg, schema, quick))
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
    return rows
