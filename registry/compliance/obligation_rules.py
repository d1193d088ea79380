"""Reading a rule pack's activities and `[[obligations]]`: conditions, intervals, first dues.

Every error names the file, the obligation and the key (through `PackContext.fail`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from registry.compliance.intervals import Interval
from registry.compliance.obligations import Activity
from registry.compliance.obligations import Condition
from registry.compliance.obligations import FirstDue
from registry.compliance.obligations import Obligation
from registry.compliance.release_rules import pack_text
from registry.core import choices

ASSET_STATUSES = ("in_service", "temporarily_closed")

# attribute -> allowed values (None: a boolean); leak_detection is a list ("contains any").
ASSET_ATTRIBUTES: dict[str, tuple[str, ...] | None] = {
    "kind": tuple(choices.ASSET_KINDS),
    "wall": tuple(choices.WALLS),
    "material": tuple(choices.MATERIALS),
    "corrosion_protection": tuple(choices.CORROSION_PROTECTIONS),
    "anti_seepage": tuple(choices.ANTI_SEEPAGE),
    "leak_detection": tuple(choices.LEAK_DETECTION),
    "substance": tuple(choices.SUBSTANCES),
    "piping_type": tuple(choices.PIPING_TYPES),
    "line_leak_detector": None,
    "spill_containment": None,
    "overfill_prevention": None,
}
FACILITY_ATTRIBUTES: dict[str, tuple[str, ...] | None] = {
    "kind": tuple(choices.FACILITY_KINDS),
    "key_supervised": None,
    # The receptor kinds the facility lies near (each within its kind's distance).
    "near_receptor": tuple(choices.RECEPTOR_KINDS),
}
TANK_ONLY = {"spill_containment", "overfill_prevention"}
PIPELINE_ONLY = {"piping_type", "line_leak_detector"}

OBLIGATION_KEYS = {
    "code",
    "title_zh",
    "title_en",
    "scope",
    "asset_kinds",
    "statuses",
    "interval",
    "first_due",
    "satisfied_by",
    "when",
    "unless",
    "interval_overrides",
    "citation",
    "assumed",
    "note_zh",
    "note_en",
}


class RulePackError(RuntimeError):
    """A rule pack is malformed; the message names the file, the obligation and the key."""


class PackContext:
    """Where in the file we are, for error messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = "pack"

    def fail(self, key: str, problem: str) -> RulePackError:
        return RulePackError(f"rule pack {self.path.name}: {self.where}: key {key!r}: {problem}")


def unknown_keys(
    ctx: PackContext, data: Mapping[str, Any], known: set[str], prefix: str = ""
) -> None:
    for key in data:
        if key not in known:
            raise ctx.fail(prefix + key, "unknown key")


def parse_interval(ctx: PackContext, key: str, raw: Any, minimum: int = 1) -> Interval:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ctx.fail(key, "must be a table with one of days, months, years")
    ((unit, amount),) = raw.items()
    if unit not in ("days", "months", "years"):
        raise ctx.fail(f"{key}.{unit}", "unknown key (days, months or years)")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < minimum:
        raise ctx.fail(f"{key}.{unit}", f"must be a whole number of at least {minimum}")
    return Interval(**{unit: amount})


def _condition(ctx: PackContext, key: str, raw: Any, scope: str) -> Condition:
    if not isinstance(raw, dict):
        raise ctx.fail(key, "must be a table of asset.* and facility.* tests")
    tests: list[tuple[str, str, tuple[Any, ...]]] = []
    for side, attrs in raw.items():
        known = {"asset": ASSET_ATTRIBUTES, "facility": FACILITY_ATTRIBUTES}.get(side)
        if known is None or not isinstance(attrs, dict):
            raise ctx.fail(f"{key}.{side}", "unknown key (asset or facility)")
        for name, value in attrs.items():
            allowed = known.get(name, ())
            if name not in known:
                raise ctx.fail(f"{key}.{side}.{name}", "unknown attribute")
            values = tuple(value) if isinstance(value, list) else (value,)
            for v in values:
                ok = (
                    isinstance(v, bool)
                    if allowed is None
                    else (isinstance(v, str) and v in allowed)
                )
                if not ok:
                    raise ctx.fail(f"{key}.{side}.{name}", f"unknown value {v!r}")
            tests.append((side, name, values))
    return Condition(tuple(tests))


def parse_conditions(ctx: PackContext, key: str, raw: Any, scope: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.fail(key, "must be a list of tables")
    return tuple(_condition(ctx, key, item, scope) for item in raw)


def _first_due(ctx: PackContext, raw: Any, scope: str) -> FirstDue:
    if not isinstance(raw, dict):
        raise ctx.fail("first_due", "must be a table")
    unknown_keys(ctx, raw, {"from", "after", "not_before"}, "first_due.")
    origin = raw.get("from")
    allowed = ("installation",) if scope == "asset" else ("registration",)
    if origin not in allowed:
        raise ctx.fail("first_due.from", f"must be {allowed[0]!r}")
    after = parse_interval(ctx, "first_due.after", raw["after"], 0) if "after" in raw else None
    not_before = raw.get("not_before")
    if not_before is not None and not isinstance(not_before, date):
        raise ctx.fail("first_due.not_before", "must be a date")
    return FirstDue(origin, after, not_before)


def parse_obligation(ctx: PackContext, raw: Any, activities: dict[str, Activity]) -> Obligation:
    if not isinstance(raw, dict):
        raise ctx.fail("obligations", "each obligation must be a table")
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise ctx.fail("code", "every obligation needs a code")
    ctx.where = f"obligation {code!r}"
    unknown_keys(ctx, raw, OBLIGATION_KEYS)
    scope = raw.get("scope")
    if scope not in ("asset", "facility"):
        raise ctx.fail("scope", "must be 'asset' or 'facility'")
    kinds = raw.get("asset_kinds", ["tank", "pipeline"])
    if not isinstance(kinds, list) or not kinds or set(kinds) - set(choices.ASSET_KINDS):
        raise ctx.fail("asset_kinds", f"unknown asset kind in {kinds!r}")
    statuses = raw.get("statuses", ["in_service"])
    if not isinstance(statuses, list) or not statuses or set(statuses) - set(ASSET_STATUSES):
        raise ctx.fail("statuses", f"must be a list of {', '.join(ASSET_STATUSES)}")
    satisfied = raw.get("satisfied_by")
    if not isinstance(satisfied, list) or not satisfied:
        raise ctx.fail("satisfied_by", "must list at least one activity")
    for activity in satisfied:
        if activity not in activities:
            raise ctx.fail("satisfied_by", f"unknown activity {activity!r}")
    interval = (
        None
        if raw.get("interval") == "once"
        else parse_interval(ctx, "interval", raw.get("interval"))
    )
    overrides = _overrides(ctx, raw.get("interval_overrides", []), scope)
    assumed = raw.get("assumed", False)
    if not isinstance(assumed, bool):
        raise ctx.fail("assumed", "must be true or false")
    obligation = Obligation(
        code=code,
        title_zh=pack_text(ctx.fail, raw, "title_zh"),
        title_en=pack_text(ctx.fail, raw, "title_en"),
        scope=scope,
        asset_kinds=tuple(kinds),
        statuses=tuple(statuses),
        interval=interval,
        first_due=_first_due(ctx, raw.get("first_due"), scope),
        satisfied_by=tuple(satisfied),
        citation=pack_text(ctx.fail, raw, "citation"),
        when=parse_conditions(ctx, "when", raw.get("when"), scope),
        unless=parse_conditions(ctx, "unless", raw.get("unless"), scope),
        interval_overrides=overrides,
        assumed=assumed,
        note_zh=pack_text(ctx.fail, raw, "note_zh", required=False),
        note_en=pack_text(ctx.fail, raw, "note_en", required=False),
    )
    _check_sides(ctx, obligation)
    return obligation


def _overrides(ctx: PackContext, raw: Any, scope: str) -> tuple[tuple[Condition, Interval], ...]:
    """Read `interval_overrides`: a list of {when, interval} tables."""
    overrides = []
    for item in raw:
        if not isinstance(item, dict):
            raise ctx.fail("interval_overrides", "must be a list of tables")
        unknown_keys(ctx, item, {"when", "interval"}, "interval_overrides.")
        overrides.append(
            (
                _condition(ctx, "interval_overrides.when", item.get("when"), scope),
                parse_interval(ctx, "interval_overrides.interval", item.get("interval")),
            )
        )
    return tuple(overrides)


def _check_sides(ctx: PackContext, o: Obligation) -> None:
    """Refuse tank-only attributes on pipelines and the reverse: they could never match."""
    for key, conds in (("when", o.when), ("unless", o.unless)):
        for c in conds:
            for side, name, _ in c.tests:
                if side != "asset":
                    continue
                if name in TANK_ONLY and "tank" not in o.asset_kinds:
                    raise ctx.fail(f"{key}.asset.{name}", "tanks only, but the obligation has none")
                if name in PIPELINE_ONLY and "pipeline" not in o.asset_kinds:
                    raise ctx.fail(f"{key}.asset.{name}", "pipelines only")


def parse_activities(ctx: PackContext, raw: Any) -> dict[str, Activity]:
    if not isinstance(raw, dict) or not raw:
        raise ctx.fail("activities", "must be a table of activities")
    found: dict[str, Activity] = {}
    for code, spec in raw.items():
        ctx.where = f"activity {code!r}"
        if not isinstance(spec, dict):
            raise ctx.fail(code, "must be a table")
        unknown_keys(ctx, spec, {"title_zh", "title_en"})
        found[code] = Activity(
            code, pack_text(ctx.fail, spec, "title_zh"), pack_text(ctx.fail, spec, "title_en")
        )
    return found
