"""PostgreSQL settings: for every connection of the app, and for the searches that need theirs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.engine import Engine


def disable_jit(engine: Engine) -> None:
    """Start every PostgreSQL connection with JIT compilation off.

    The app's queries are short, or wide (the reminder engine's UNION): JIT compiling them
    costs more than running them (1.2 s against 0.3 s for the reminders at 5,000 assets).
    Set at connect time (a startup option), so no query pays an extra round trip for it.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "do_connect")
    def _options(dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        cparams["options"] = f"{cparams.get('options', '')} -c jit=off".strip()


# Planner settings of a substring search (see index_driven).
_INDEX_DRIVEN = {
    "enable_seqscan": "off",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "max_parallel_workers_per_gather": "0",
    "random_page_cost": "1.1",
    # Prepared statements (core.transactions) may run a generic plan, made without the
    # pattern; a search's plan depends on it (how selective, which trigram index).
    "plan_cache_mode": "force_custom_plan",
}
_SET = "SELECT set_config(name, value, true) FROM (VALUES {}) AS s(name, value)".format(
    ", ".join(f"('{k}', '{v}')" for k, v in _INDEX_DRIVEN.items())
)
_RESTORE = "SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name IN ({})".format(
    ", ".join(f"'{k}'" for k in _INDEX_DRIVEN)
)


@contextmanager
def index_driven(session: Any, *, when: bool = True) -> Iterator[None]:
    """Plan the block's statements on indexes and nested loops only (PostgreSQL; SET LOCAL).

    For substring searches (`ILIKE '%q%'`), whose every look-up has an index (trigram, primary
    or foreign key). The cost model prices ILIKE like an integer comparison, but on multi-byte
    text it lowercases both sides through wide characters: about 1 µs a row, 4-5 times LIKE.
    So the planner read all 6,000 organizations (15-40 ms) rather than two trigram indexes
    (0.2 ms), built a hash of all 22,800 facilities named with a brand (50 ms) where a nested
    loop stops at the count's cap after 1,800, and started parallel workers for a few rows.
    Random reads are priced as in memory (1.1, not 4): with 4, a trigram look-up of a credit
    code (common trigrams such as "000") cost more, by the model, than walking every
    organization's primary key and checking each one (13-43 ms against 3.5 ms).
    """
    if not when or session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text(_SET))
    yield
    # Not reached on an error: the settings end with the request's transaction all the same
    # (SET LOCAL), whether it ends in a rollback or, having only read, in a commit.
    session.execute(text(_RESTORE))


_CUSTOM = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"
_CUSTOM_RESTORE = (
    "SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name = 'plan_cache_mode'"
)


@contextmanager
def custom_plans(session: Any, *, when: bool = True) -> Iterator[None]:
    """Plan the block's statements for their parameters every time (PostgreSQL; SET LOCAL).

    For the searches not planned by index_driven: once psycopg sends a statement prepared
    (core.transactions), PostgreSQL may run one generic plan for every value of its
    parameters, and a substring search's best plan depends on its pattern.
    """
    if not when or session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text(_CUSTOM))
    yield
    session.execute(text(_CUSTOM_RESTORE))
