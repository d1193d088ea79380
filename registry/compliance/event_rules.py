"""The parts of a rule pack that count from events and tie duties to people.

`[[event_obligations]]`: what an asset owes when it is closed, starts to store a substance or
is installed, due an offset (negative: before) from the event's date. `[training]`: the
designated operator classes a facility needs. `[financial_responsibility]`: the amounts an
owner must show. Each reader takes `fail(key, problem)`, which makes the loader's error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.compliance.intervals import Interval
from registry.compliance.obligations import EVENT_STATUSES
from registry.compliance.obligations import Condition
from registry.compliance.obligations import EventObligation
from registry.compliance.obligations import FinancialRules
from registry.compliance.obligations import FirstDue
from registry.compliance.obligations import TrainingRules
from registry.compliance.release_rules import pack_table
from registry.compliance.release_rules import pack_text
from registry.core import choices

Fail = Callable[[str, str], Exception]
Conditions = Callable[[str, Any], tuple[Condition, ...]]

EVENT_KEYS = {
    "code",
    "title_zh",
    "title_en",
    "on",
    "due",
    "asset_kinds",
    "when",
    "unless",
    "satisfied_by",
    "citation",
    "assumed",
    "note_zh",
    "note_en",
}
TRAINING_KEYS = {
    "classes",
    "train_within_days",
    "refresher_years",
    "before_duties",
    "citation",
    "assumed",
    "note_zh",
    "note_en",
    "violation",
}
OPERATOR_CLASSES = ("A", "B", "C")
FINANCIAL_KEYS = {
    "per_occurrence",
    "per_occurrence_small",
    "throughput_gallons",
    "aggregate",
    "aggregate_large",
    "large_tank_count",
    "citation",
}


def _whole(fail: Fail, raw: dict[str, Any], key: str, minimum: int = 0) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise fail(key, f"must be a whole number of at least {minimum}")
    return value


def _on(fail: Fail, raw: Any) -> str:
    """`status:<closed status>`, `substance:<code>` or `installed`."""
    if raw == "installed":
        return raw
    kind, _, value = str(raw).partition(":")
    if kind == "status" and value in EVENT_STATUSES:
        return str(raw)
    if kind == "substance" and value in choices.SUBSTANCES:
        return str(raw)
    raise fail(
        "on",
        "must be installed, status:temporarily_closed, status:permanently_closed or "
        "substance:<substance code>",
    )


def _due(fail: Fail, raw: Any, on: str) -> Interval:
    """A signed offset: one of days, months or years (installed: days only)."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise fail("due", "must be a table with one of days, months, years")
    ((unit, amount),) = raw.items()
    if unit not in ("days", "months", "years"):
        raise fail(f"due.{unit}", "unknown key (days, months or years)")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise fail(f"due.{unit}", "must be a whole number (negative: before the event)")
    if on == "installed" and unit != "days":
        raise fail(f"due.{unit}", "an installation counts days")
    if amount < 0 and unit != "days":
        raise fail(f"due.{unit}", "what comes before an event counts days")
    return Interval(**{unit: amount})


def _event(fail: Fail, raw: Any, activities: set[str], conditions: Conditions) -> EventObligation:
    problem = "each event obligation must be a table"
    pack_table(fail, raw, "event_obligations", EVENT_KEYS, problem=problem, prefix="")
    kinds = raw.get("asset_kinds", ["tank", "pipeline"])
    if not isinstance(kinds, list) or not kinds or set(kinds) - set(choices.ASSET_KINDS):
        raise fail("asset_kinds", f"unknown asset kind in {kinds!r}")
    satisfied = raw.get("satisfied_by")
    if not isinstance(satisfied, list) or not satisfied:
        raise fail("satisfied_by", "must list at least one activity")
    for activity in satisfied:
        if activity not in activities:
            raise fail("satisfied_by", f"unknown activity {activity!r}")
    if not isinstance(raw.get("assumed", False), bool):
        raise fail("assumed", "must be true or false")
    on = _on(fail, raw.get("on"))
    due = _due(fail, raw.get("due"), on)
    status = on.split(":", 1)[1] if on.startswith("status:") else None
    return EventObligation(
        code=pack_text(fail, raw, "code"),
        title_zh=pack_text(fail, raw, "title_zh"),
        title_en=pack_text(fail, raw, "title_en"),
        scope="asset",
        asset_kinds=tuple(kinds),
        statuses=(status,) if status else ("in_service", *EVENT_STATUSES),
        interval=None,
        first_due=FirstDue("event", due),
        satisfied_by=tuple(satisfied),
        citation=pack_text(fail, raw, "citation"),
        when=conditions("when", raw.get("when")),
        unless=conditions("unless", raw.get("unless")),
        assumed=raw.get("assumed", False),
        note_zh=pack_text(fail, raw, "note_zh", required=False),
        note_en=pack_text(fail, raw, "note_en", required=False),
        on=on,
        due=due,
    )


def parse_events(
    fail: Callable[[str, str, str], Exception],
    raw: Any,
    activities: set[str],
    conditions: Callable[[str, str, Any], tuple[Condition, ...]],
) -> tuple[EventObligation, ...]:
    """Read `[[event_obligations]]`; `fail(where, key, problem)` names the obligation."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail("pack", "event_obligations", "must be a list of tables")
    found = []
    for item in raw:
        where = f"event obligation {item.get('code')!r}" if isinstance(item, dict) else "pack"

        def failing(key: str, problem: str, w: str = where) -> Exception:
            return fail(w, key, problem)

        def conditioned(key: str, value: Any, w: str = where) -> tuple[Condition, ...]:
            return conditions(w, key, value)

        found.append(_event(failing, item, activities, conditioned))
    return tuple(found)


def parse_training(fail: Fail, raw: Any) -> TrainingRules | None:
    """Read `[training]`: required classes, days to train, years to a refresher."""
    if raw is None:
        return None
    pack_table(fail, raw, "training", TRAINING_KEYS)
    classes = raw.get("classes")
    if not isinstance(classes, list) or not classes or set(classes) - set(OPERATOR_CLASSES):
        raise fail("training.classes", f"must list classes of {', '.join(OPERATOR_CLASSES)}")
    before = raw.get("before_duties", [])
    if not isinstance(before, list) or set(before) - set(classes):
        raise fail("training.before_duties", "must list required classes")
    refresher = raw.get("refresher_years")
    if refresher is not None:
        refresher = _whole(lambda k, p: fail(f"training.{k}", p), raw, "refresher_years", 1)
    assumed = raw.get("assumed", [])
    if not isinstance(assumed, list) or set(assumed) - TRAINING_KEYS:
        raise fail("training.assumed", "must list keys of [training]")
    sub: Fail = lambda k, p: fail(f"training.{k}", p)  # noqa: E731
    return TrainingRules(
        classes=tuple(classes),
        train_within_days=_whole(sub, raw, "train_within_days"),
        refresher_years=refresher,
        citation=pack_text(sub, raw, "citation"),
        before_duties=tuple(before),
        assumed=tuple(assumed),
        note_zh=pack_text(sub, raw, "note_zh", required=False),
        note_en=pack_text(sub, raw, "note_en", required=False),
        violation=pack_text(sub, raw, "violation", required=False) or None,
    )


def parse_financial(fail: Fail, raw: Any) -> FinancialRules | None:
    """Read `[financial_responsibility]`: the amounts required of an owner."""
    if raw is None:
        return None
    pack_table(fail, raw, "financial_responsibility", FINANCIAL_KEYS)
    sub: Fail = lambda k, p: fail(f"financial_responsibility.{k}", p)  # noqa: E731
    return FinancialRules(
        per_occurrence=_whole(sub, raw, "per_occurrence", 1),
        per_occurrence_small=_whole(sub, raw, "per_occurrence_small", 1),
        throughput_gallons=_whole(sub, raw, "throughput_gallons"),
        aggregate=_whole(sub, raw, "aggregate", 1),
        aggregate_large=_whole(sub, raw, "aggregate_large", 1),
        large_tank_count=_whole(sub, raw, "large_tank_count"),
        citation=pack_text(sub, raw, "citation"),
    )
