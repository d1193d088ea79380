"""The planner settings of a search hold within its block only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from registry.core.postgres import index_driven


def _seqscan(db: Any) -> str:
    return str(db.session.scalar(sa.text("SHOW enable_seqscan")))


def _statements_in(db: Any, block: Any) -> list[str]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with block:
            pass
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return seen


def test_index_driven_plans_within_the_block_and_restores_after(db: Any) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        # Elsewhere the planner has no such settings: the block sends nothing at all.
        assert _statements_in(db, index_driven(db.session)) == []
        return
    with index_driven(db.session, when=False):
        assert _seqscan(db) == "on"
    with index_driven(db.session):
        assert _seqscan(db) == "off"
    assert _seqscan(db) == "on"


def test_index_driven_runs_its_block_on_any_database(db: Any) -> None:
    with index_driven(db.session):
        assert db.session.scalar(sa.text("SELECT 1")) == 1
