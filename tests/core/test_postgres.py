"""The planner settings of a search hold within its block only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from registry.core.postgres import custom_plans
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


def _plan_cache_mode(db: Any) -> str:
    return str(db.session.scalar(sa.text("SHOW plan_cache_mode")))


def test_searches_are_planned_for_their_pattern_within_the_block_only(db: Any) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        assert _statements_in(db, custom_plans(db.session)) == []
        return
    with custom_plans(db.session, when=False):
        assert _plan_cache_mode(db) == "auto"
    with custom_plans(db.session):
        assert _plan_cache_mode(db) == "force_custom_plan"
    assert _plan_cache_mode(db) == "auto"
    with index_driven(db.session):
        assert _plan_cache_mode(db) == "force_custom_plan"
    assert _plan_cache_mode(db) == "auto"
