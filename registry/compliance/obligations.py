"""What a rule pack holds: activities, obligations counted from the calendar or from events."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

from registry.compliance.intervals import Interval
from registry.compliance.receptor_rules import ReceptorDistance
from registry.compliance.release_rules import ReleaseRules
from registry.compliance.violation_library import ViolationCode

LIST_ATTRIBUTES = {"leak_detection", "near_receptor"}


@dataclass(frozen=True)
class Condition:
    """All of these attribute tests hold: {(\"asset\"|\"facility\", name): allowed values}."""

    tests: tuple[tuple[str, str, tuple[Any, ...]], ...]

    def matches(self, asset: Mapping[str, Any] | None, facility: Mapping[str, Any]) -> bool:
        """Say whether an asset (or None for facility-only tests) and its facility match."""
        for side, name, allowed in self.tests:
            row = asset if side == "asset" else facility
            if row is None:
                return False
            value = row.get(name)
            if name in LIST_ATTRIBUTES:
                if not set(value or ()) & set(allowed):
                    return False
            elif value not in allowed:
                return False
        return True

    @property
    def sides(self) -> set[str]:
        return {side for side, _, _ in self.tests}


@dataclass(frozen=True)
class FirstDue:
    counted_from: str  # installation | registration
    after: Interval | None  # None: one interval
    not_before: date | None = None  # count from this date when installed earlier


@dataclass(frozen=True)
class Activity:
    code: str
    title_zh: str
    title_en: str

    def title(self, locale: str) -> str:
        return self.title_zh if locale == "zh" else self.title_en


@dataclass(frozen=True)
class Obligation:
    code: str
    title_zh: str
    title_en: str
    scope: str  # asset | facility
    asset_kinds: tuple[str, ...]
    statuses: tuple[str, ...]
    interval: Interval | None  # None: once (event-driven)
    first_due: FirstDue
    satisfied_by: tuple[str, ...]
    citation: str
    when: tuple[Condition, ...] = ()
    unless: tuple[Condition, ...] = ()
    interval_overrides: tuple[tuple[Condition, Interval], ...] = ()
    assumed: bool = False
    note_zh: str = ""
    note_en: str = ""

    def title(self, locale: str) -> str:
        return self.title_zh if locale == "zh" else self.title_en

    def note(self, locale: str) -> str:
        return self.note_zh if locale == "zh" else self.note_en

    def applies_to_facility(
        self, assets: Sequence[Mapping[str, Any]], facility: Mapping[str, Any]
    ) -> bool:
        """Whether the obligation applies to a facility through any of its assets."""

        def holds(cond: Any) -> bool:
            if "asset" not in cond.sides:
                return bool(cond.matches(None, facility))
            return any(cond.matches(a, facility) for a in assets)

        if self.when and not any(holds(c) for c in self.when):
            return False
        return not any(holds(c) for c in self.unless)

    def applies(self, asset: Mapping[str, Any] | None, facility: Mapping[str, Any]) -> bool:
        """Say whether the obligation's conditions hold (statuses are checked by the caller)."""
        if asset is not None and asset.get("kind") not in self.asset_kinds:
            return False
        if self.when and not any(c.matches(asset, facility) for c in self.when):
            return False
        return not any(c.matches(asset, facility) for c in self.unless)

    def interval_for(self, asset: Mapping[str, Any] | None, facility: Mapping[str, Any]) -> Any:
        """Return the interval that applies to this asset or facility."""
        for condition, interval in self.interval_overrides:
            if condition.matches(asset, facility):
                return interval
        return self.interval


# What an event obligation may count from: a status the asset takes, a substance it starts to
# store, or its installation.
EVENT_STATUSES = ("temporarily_closed", "permanently_closed")


@dataclass(frozen=True)
class EventObligation(Obligation):
    """An obligation counted from an event of one asset rather than from the calendar.

    `due` is the offset from the event's date, negative for what must come before it (a
    notice). The engine reads it through the fields it shares with Obligation: scope `asset`,
    no interval, and `first_due.after` = the offset.
    """

    on: str = ""  # status:<status> | substance:<code> | installed
    due: Interval = Interval()

    @property
    def event(self) -> str:
        """The kind of event: `status`, `substance` or `installed`."""
        return self.on.split(":", 1)[0]

    @property
    def value(self) -> str | None:
        """The status or substance the event is about (None for `installed`)."""
        return self.on.split(":", 1)[1] if ":" in self.on else None

    @property
    def offset(self) -> tuple[int, str]:
        """The offset as (amount, unit): days, months or years; no offset is 0 days."""
        d = self.due
        if d.days or not (d.months or d.years):
            return d.days, "days"
        return (d.months, "months") if d.months else (d.years, "years")

    @property
    def before(self) -> bool:
        """Whether it must be done before the event (a prior notice)."""
        return self.due.days < 0 or self.due.total_months < 0


@dataclass(frozen=True)
class TrainingRules:
    """`[training]`: which operator classes each facility needs and how training lapses."""

    classes: tuple[str, ...]
    train_within_days: int
    refresher_years: int | None
    citation: str
    # Classes trained before they take up duties (US Class C): no grace after designation.
    before_duties: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()
    note_zh: str = ""
    note_en: str = ""
    # The violation a facility visit records when they are not present (None: none).
    violation: str | None = None

    def note(self, locale: str) -> str:
        return self.note_zh if locale == "zh" else self.note_en


@dataclass(frozen=True)
class FinancialRules:
    """`[financial_responsibility]`: the amounts an owner must show, per occurrence and a year."""

    per_occurrence: int  # marketers, or more than `throughput_gallons` a month
    per_occurrence_small: int  # everyone else
    throughput_gallons: int
    aggregate: int
    aggregate_large: int  # owners of more than `large_tank_count` tanks
    large_tank_count: int
    citation: str

    def required(self, *, marketer: bool, gallons: int | None, tanks: int) -> tuple[int, int]:
        """The per-occurrence and annual aggregate amounts required of one owner."""
        big = marketer or (gallons or 0) > self.throughput_gallons
        occurrence = self.per_occurrence if big else self.per_occurrence_small
        aggregate = self.aggregate_large if tanks > self.large_tank_count else self.aggregate
        return occurrence, aggregate


@dataclass(frozen=True)
class RulePack:
    code: str
    title_zh: str
    title_en: str
    certificate_validity_months: int
    corrective_action_days: dict[str, int]
    activities: dict[str, Activity]
    obligations: tuple[Obligation, ...]
    path: str = ""
    release: ReleaseRules | None = None
    receptor_distances: dict[str, ReceptorDistance] = field(default_factory=dict)
    by_code: dict[str, Obligation] = field(default_factory=dict, compare=False)
    violations: dict[str, ViolationCode] = field(default_factory=dict, compare=False)
    # A facility is due for a compliance inspection this many years after its last one.
    facility_inspection_years: int = 3
    # The activity a self-investigation visit records for its facility (None: none).
    self_investigation_activity: str | None = None
    # What a closure records: its site assessment, and vent lines open with the rest capped.
    site_assessment_activity: str | None = None
    lines_secured_activity: str | None = None
    # Obligations counted from an asset's events, and the people a facility needs.
    event_obligations: tuple[EventObligation, ...] = ()
    training: TrainingRules | None = None
    financial: FinancialRules | None = None

    def __post_init__(self) -> None:
        self.by_code.update({o.code: o for o in (*self.obligations, *self.event_obligations)})

    def title(self, locale: str) -> str:
        return self.title_zh if locale == "zh" else self.title_en

    def obligation(self, code: str) -> Obligation:
        return self.by_code[code]
