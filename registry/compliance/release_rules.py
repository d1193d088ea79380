"""The `[release]` table of a rule pack: which activities detect releases, and the steps of a
release with their clocks (hours or days from the discovery, the confirmation or a request)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

ORIGINS = ("discovery", "confirmation", "request")
CONDITIONS = ("free_product",)
STEP_KEYS = {
    "code",
    "title_zh",
    "title_en",
    "from",
    "after",
    "when",
    "completed_by",
    "citation",
    "assumed",
    "note_zh",
    "note_en",
}


@dataclass(frozen=True)
class StepRule:
    """One step of a release: what to do, by when, under which rule."""

    code: str
    title_zh: str
    title_en: str
    origin: str  # discovery | confirmation | request
    after: timedelta | None  # None: due when the regulator says (request)
    citation: str
    when: str | None = None  # free_product: only where free product was found
    completed_by_decision: bool = False
    assumed: bool = False
    note_zh: str = ""
    note_en: str = ""
    hours: bool = False  # the rule counts hours, not days

    def title(self, locale: str) -> str:
        return self.title_zh if locale == "zh" else self.title_en

    def note(self, locale: str) -> str:
        return self.note_zh if locale == "zh" else self.note_en

    def due_at(self, start: datetime | None) -> datetime | None:
        """Return the step's deadline counted from its origin's moment (None: not running)."""
        if start is None or self.after is None:
            return None
        return start + self.after


@dataclass(frozen=True)
class ReleaseRules:
    detection_activities: frozenset[str]
    steps: tuple[StepRule, ...]

    def step(self, code: str) -> StepRule | None:
        return next((s for s in self.steps if s.code == code), None)


def _after(fail: Any, raw: Any, origin: str) -> tuple[timedelta | None, bool]:
    if raw is None:
        if origin != "request":
            raise fail("after", "required unless from = 'request'")
        return None, False
    if not isinstance(raw, dict) or len(raw) != 1:
        raise fail("after", "must be a table with one of hours, days")
    ((unit, amount),) = raw.items()
    if unit not in ("hours", "days"):
        raise fail(f"after.{unit}", "unknown key (hours or days)")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise fail(f"after.{unit}", "must be a whole number of at least 1")
    return timedelta(**{unit: amount}), unit == "hours"


def pack_text(fail: Any, raw: dict[str, Any], key: str, required: bool = True) -> str:
    """A rule pack's text value: non-empty where required, else "" when absent."""
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise fail(key, "must be a non-empty string")
    return value


def pack_table(
    fail: Any,
    raw: Any,
    key: str,
    known: Any,
    *,
    problem: str = "must be a table",
    prefix: str | None = None,
) -> None:
    """Refuse a rule pack's value at `key` that is not a table, or one with a key not in
    `known` (named `prefix` + key; `key.` unless told)."""
    if not isinstance(raw, dict):
        raise fail(key, problem)
    where = f"{key}." if prefix is None else prefix
    for name in raw:
        if name not in known:
            raise fail(where + name, "unknown key")


def _step(fail: Any, raw: Any) -> StepRule:
    pack_table(fail, raw, "release.steps", STEP_KEYS, problem="each step must be a table")
    origin = raw.get("from")
    if origin not in ORIGINS:
        raise fail("release.steps.from", f"must be one of {', '.join(ORIGINS)}")
    when = raw.get("when")
    if when is not None and when not in CONDITIONS:
        raise fail("release.steps.when", f"must be one of {', '.join(CONDITIONS)}")
    for flag in ("assumed",):
        if not isinstance(raw.get(flag, False), bool):
            raise fail(f"release.steps.{flag}", "must be true or false")
    completed_by = raw.get("completed_by")
    if completed_by not in (None, "decision"):
        raise fail("release.steps.completed_by", "must be 'decision'")
    after, hours = _after(fail, raw.get("after"), origin)
    return StepRule(
        code=pack_text(fail, raw, "code"),
        title_zh=pack_text(fail, raw, "title_zh"),
        title_en=pack_text(fail, raw, "title_en"),
        origin=origin,
        after=after,
        citation=pack_text(fail, raw, "citation"),
        when=when,
        completed_by_decision=completed_by == "decision",
        assumed=raw.get("assumed", False),
        note_zh=pack_text(fail, raw, "note_zh", required=False),
        note_en=pack_text(fail, raw, "note_en", required=False),
        hours=hours,
    )


def parse_release(fail: Any, raw: Any, activities: set[str]) -> ReleaseRules | None:
    """Read and validate a pack's `[release]` table; `fail(key, problem)` makes the error."""
    if raw is None:
        return None
    pack_table(fail, raw, "release", ("detection_activities", "steps"))
    detection = raw.get("detection_activities", [])
    if not isinstance(detection, list):
        raise fail("release.detection_activities", "must be a list of activity codes")
    for code in detection:
        if code not in activities:
            raise fail("release.detection_activities", f"unknown activity {code!r}")
    steps = tuple(_step(fail, s) for s in raw.get("steps", []))
    codes = [s.code for s in steps]
    if len(set(codes)) != len(codes):
        raise fail("release.steps", "step codes repeated")
    return ReleaseRules(frozenset(detection), steps)
