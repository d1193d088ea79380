"""PostgreSQL settings: for every connection of the app, and for the searches that need theirs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
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


def _statements(settings: dict[str, str]) -> tuple[str, str]:
    """The statements that set these settings for the transaction, and that restore them."""
    values = ", ".join(f"('{k}', '{v}')" for k, v in settings.items())
    names = ", ".join(f"'{k}'" for k in settings)
    return (
        f"SELECT set_config(name, value, true) FROM (VALUES {values}) AS s(name, value)",
        f"SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name IN ({names})",
    )


# Prepared statements (core.transactions) may run a generic plan, made without the parameters'
# values; a substring search's best plan depends on its pattern (how selective, which index).
_CUSTOM = {"plan_cache_mode": "force_custom_plan"}
# Planner settings of a substring search (see index_driven).
_INDEX_DRIVEN = _statements(
    {
        "enable_seqscan": "off",
        "enable_hashjoin": "off",
        "enable_mergejoin": "off",
        "max_parallel_workers_per_gather": "0",
        "random_page_cost": "1.1",
        **_CUSTOM,
    }
)
_CUSTOM_PLANS = _statements(_CUSTOM)


@contextmanager
def _local_settings(session: Any, statements: tuple[str, str], when: bool) -> Iterator[None]:
    """Run the block under settings of its own (PostgreSQL only; elsewhere, nothing is sent)."""
    if not when or session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text(statements[0]))
    yield
    # Not reached on an error: the settings end with the request's transaction all the same
    # (SET LOCAL), whether it ends in a rollback or, having only read, in a commit.
    session.execute(text(statements[1]))


def index_driven(session: Any, *, when: bool = True) -> AbstractContextManager[None]:
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
    Plans are also made for each search's pattern (see custom_plans).
    """
    return _local_settings(session, _INDEX_DRIVEN, when)


def custom_plans(session: Any, *, when: bool = True) -> AbstractContextManager[None]:
    """Plan the block's statements for their parameters every time (PostgreSQL; SET LOCAL).

    For the searches not planned by index_driven: once psycopg sends a statement prepared
    (core.transactions), PostgreSQL may run one generic plan for every value of its
    parameters, and a substring search's best plan depends on its pattern.
    """
    return _local_settings(session, _CUSTOM_PLANS, when)
