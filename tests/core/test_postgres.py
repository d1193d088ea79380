"""The planner settings of a search hold within its block only."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from registry.core.postgres import index_driven


def _seqscan(db: Any) -> str:
    return str(db.session.scalar(sa.text("SHOW enable_seqscan")))


def test_index_driven_plans_within_the_block_and_restores_after(db: Any) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    with index_driven(db.session, when=False):
        assert _seqscan(db) == "on"
    with index_driven(db.session):
        assert _seqscan(db) == "off"
    assert _seqscan(db) == "on"


def test_index_driven_runs_its_block_on_any_database(db: Any) -> None:
    with index_driven(db.session):
        assert db.session.scalar(sa.text("SELECT 1")) == 1
