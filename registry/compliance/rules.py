"""Rule packs: obligations as data (TOML), loaded and validated when the app starts.

A pack names its activities and obligations. An obligation applies to an asset or a facility
when its conditions hold (`when`: any alternative whose every condition holds; `unless`:
exemptions), recurs at `interval`, and is first due `first_due.after` after installation (assets)
or registration (facilities). Anything the loader does not know stops start-up with a message
naming the file, the obligation and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app

from registry.compliance.event_rules import parse_events
from registry.compliance.event_rules import parse_financial
from registry.compliance.event_rules import parse_training
from registry.compliance.intervals import Interval
from registry.compliance.obligations import Activity
from registry.compliance.obligations import Condition
from registry.compliance.obligations import EventObligation
from registry.compliance.obligations import FinancialRules
from registry.compliance.obligations import FirstDue
from registry.compliance.obligations import Obligation
from registry.compliance.obligations import TrainingRules
from registry.compliance.receptor_rules import ReceptorDistance
from registry.compliance.receptor_rules import parse_receptor_distances
from registry.compliance.release_rules import ReleaseRules
from registry.compliance.release_rules import parse_release
from registry.compliance.violation_library import ViolationCode
from registry.compliance.violation_library import parse_violations
from registry.core import choices

RULES_DIR = Path(__file__).resolve().parent / "rules"
SEVERITIES = ("low", "medium", "high", "critical")
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
PACK_KEYS = {
    "code",
    "title_zh",
    "title_en",
    "certificate_validity_months",
    "corrective_action_days",
    "facility_inspection_years",
    "self_investigation_activity",
    "site_assessment_activity",
    "lines_secured_activity",
}


class RulePackError(RuntimeError):
    """A rule pack is malformed; the message names the file, the obligation and the key."""


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


class _Ctx:
    """Where in the file we are, for error messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = "pack"

    def fail(self, key: str, problem: str) -> RulePackError:
        return RulePackError(f"rule pack {self.path.name}: {self.where}: key {key!r}: {problem}")


def _unknown(ctx: _Ctx, data: Mapping[str, Any], known: set[str], prefix: str = "") -> None:
    for key in data:
        if key not in known:
            raise ctx.fail(prefix + key, "unknown key")


def _text(ctx: _Ctx, data: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(key, "must be a non-empty string")
    return value


def _interval(ctx: _Ctx, key: str, raw: Any, minimum: int = 1) -> Interval:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ctx.fail(key, "must be a table with one of days, months, years")
    ((unit, amount),) = raw.items()
    if unit not in ("days", "months", "years"):
        raise ctx.fail(f"{key}.{unit}", "unknown key (days, months or years)")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < minimum:
        raise ctx.fail(f"{key}.{unit}", f"must be a whole number of at least {minimum}")
    return Interval(**{unit: amount})


def _condition(ctx: _Ctx, key: str, raw: Any, scope: str) -> Condition:
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


def _conditions(ctx: _Ctx, key: str, raw: Any, scope: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.fail(key, "must be a list of tables")
    return tuple(_condition(ctx, key, item, scope) for item in raw)


def _first_due(ctx: _Ctx, raw: Any, scope: str) -> FirstDue:
    if not isinstance(raw, dict):
        raise ctx.fail("first_due", "must be a table")
    _unknown(ctx, raw, {"from", "after", "not_before"}, "first_due.")
    origin = raw.get("from")
    allowed = ("installation",) if scope == "asset" else ("registration",)
    if origin not in allowed:
        raise ctx.fail("first_due.from", f"must be {allowed[0]!r}")
    after = _interval(ctx, "first_due.after", raw["after"], 0) if "after" in raw else None
    not_before = raw.get("not_before")
    if not_before is not None and not isinstance(not_before, date):
        raise ctx.fail("first_due.not_before", "must be a date")
    return FirstDue(origin, after, not_before)


def _obligation(ctx: _Ctx, raw: Any, activities: dict[str, Activity]) -> Obligation:
    if not isinstance(raw, dict):
        raise ctx.fail("obligations", "each obligation must be a table")
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise ctx.fail("code", "every obligation needs a code")
    ctx.where = f"obligation {code!r}"
    _unknown(ctx, raw, OBLIGATION_KEYS)
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
        None if raw.get("interval") == "once" else _interval(ctx, "interval", raw.get("interval"))
    )
    overrides = []
    for item in raw.get("interval_overrides", []):
        if not isinstance(item, dict):
            raise ctx.fail("interval_overrides", "must be a list of tables")
        _unknown(ctx, item, {"when", "interval"}, "interval_overrides.")
        overrides.append(
            (
                _condition(ctx, "interval_overrides.when", item.get("when"), scope),
                _interval(ctx, "interval_overrides.interval", item.get("interval")),
            )
        )
    assumed = raw.get("assumed", False)
    if not isinstance(assumed, bool):
        raise ctx.fail("assumed", "must be true or false")
    obligation = Obligation(
        code=code,
        title_zh=_text(ctx, raw, "title_zh"),
        title_en=_text(ctx, raw, "title_en"),
        scope=scope,
        asset_kinds=tuple(kinds),
        statuses=tuple(statuses),
        interval=interval,
        first_due=_first_due(ctx, raw.get("first_due"), scope),
        satisfied_by=tuple(satisfied),
        citation=_text(ctx, raw, "citation"),
        when=_conditions(ctx, "when", raw.get("when"), scope),
        unless=_conditions(ctx, "unless", raw.get("unless"), scope),
        interval_overrides=tuple(overrides),
        assumed=assumed,
        note_zh=_text(ctx, raw, "note_zh", required=False),
        note_en=_text(ctx, raw, "note_en", required=False),
    )
    _check_sides(ctx, obligation)
    return obligation


def _check_sides(ctx: _Ctx, o: Obligation) -> None:
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


def _activities(ctx: _Ctx, raw: Any) -> dict[str, Activity]:
    if not isinstance(raw, dict) or not raw:
        raise ctx.fail("activities", "must be a table of activities")
    found: dict[str, Activity] = {}
    for code, spec in raw.items():
        ctx.where = f"activity {code!r}"
        if not isinstance(spec, dict):
            raise ctx.fail(code, "must be a table")
        _unknown(ctx, spec, {"title_zh", "title_en"})
        found[code] = Activity(code, _text(ctx, spec, "title_zh"), _text(ctx, spec, "title_en"))
    return found


def _settings(ctx: _Ctx, raw: Any) -> tuple[int, dict[str, int]]:
    if not isinstance(raw, dict):
        raise ctx.fail("pack", "missing [pack] table")
    _unknown(ctx, raw, PACK_KEYS, "pack.")
    months = raw.get("certificate_validity_months", 12)
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise ctx.fail("pack.certificate_validity_months", "must be a whole number of months")
    days = raw.get("corrective_action_days", {})
    if not isinstance(days, dict):
        raise ctx.fail("pack.corrective_action_days", "must be a table")
    for severity, value in days.items():
        if severity not in SEVERITIES:
            raise ctx.fail(f"pack.corrective_action_days.{severity}", "unknown severity")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ctx.fail(f"pack.corrective_action_days.{severity}", "must be whole days")
    missing = set(SEVERITIES) - set(days)
    if missing:
        raise ctx.fail("pack.corrective_action_days", f"missing {sorted(missing)}")
    return months, dict(days)


def parse_pack(path: Path) -> RulePack:
    """Read and validate one rule pack file."""
    ctx = _Ctx(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"rule pack {path.name}: cannot read: {exc}") from exc
    _unknown(
        ctx,
        data,
        {
            "pack",
            "activities",
            "obligations",
            "event_obligations",
            "training",
            "financial_responsibility",
            "release",
            "violations",
            "receptor_distances_m",
        },
    )
    months, days = _settings(ctx, data.get("pack"))
    pack_table = data["pack"]
    activities = _activities(ctx, data.get("activities"))
    raw_obligations = data.get("obligations")
    if not isinstance(raw_obligations, list) or not raw_obligations:
        ctx.where = "pack"
        raise ctx.fail("obligations", "must list at least one obligation")
    obligations = tuple(_obligation(ctx, raw, activities) for raw in raw_obligations)
    events = _events(ctx, data.get("event_obligations"), activities)
    codes = [o.code for o in (*obligations, *events)]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        raise RulePackError(f"rule pack {path.name}: obligation codes repeated: {sorted(dupes)}")
    ctx.where = "release"
    release = parse_release(ctx.fail, data.get("release"), set(activities))
    ctx.where = "receptor_distances_m"
    distances = parse_receptor_distances(ctx.fail, data.get("receptor_distances_m"))
    ctx.where = "pack"
    violations = parse_violations(ctx.fail, data.get("violations"))
    years, self_activity = _visit_settings(ctx, pack_table, activities)
    training = parse_training(ctx.fail, data.get("training"))
    if training and training.violation and training.violation not in violations:
        raise ctx.fail("training.violation", f"unknown violation {training.violation!r}")
    return RulePack(
        code=_text(ctx, pack_table, "code"),
        title_zh=_text(ctx, pack_table, "title_zh"),
        title_en=_text(ctx, pack_table, "title_en"),
        certificate_validity_months=months,
        corrective_action_days=days,
        activities=activities,
        obligations=obligations,
        path=str(path),
        release=release,
        violations=violations,
        facility_inspection_years=years,
        self_investigation_activity=self_activity,
        receptor_distances=distances,
        event_obligations=events,
        site_assessment_activity=_activity_setting(ctx, pack_table, activities, "site_assessment"),
        lines_secured_activity=_activity_setting(ctx, pack_table, activities, "lines_secured"),
        training=training,
        financial=parse_financial(ctx.fail, data.get("financial_responsibility")),
    )


def _activity_setting(
    ctx: _Ctx, table: Mapping[str, Any], activities: dict[str, Activity], name: str
) -> str | None:
    """Read `<name>_activity` of [pack]: an activity code of the pack, or None."""
    activity = table.get(f"{name}_activity")
    if activity is not None and activity not in activities:
        raise ctx.fail(f"pack.{name}_activity", f"unknown activity {activity!r}")
    return activity  # type: ignore[no-any-return]


def _events(
    ctx: _Ctx, raw: Any, activities: dict[str, Activity]
) -> tuple[EventObligation, ...]:
    """Read `[[event_obligations]]`, errors naming the obligation and the key."""

    def fail(where: str, key: str, problem: str) -> RulePackError:
        ctx.where = where
        return ctx.fail(key, problem)

    def conditions(where: str, key: str, raw: Any) -> tuple[Condition, ...]:
        ctx.where = where
        return _conditions(ctx, key, raw, "asset")

    found = parse_events(fail, raw, set(activities), conditions)
    ctx.where = "pack"
    return found


def _visit_settings(
    ctx: _Ctx, table: Mapping[str, Any], activities: dict[str, Activity]
) -> tuple[int, str | None]:
    """Read `facility_inspection_years` and `self_investigation_activity` of [pack]."""
    years = table.get("facility_inspection_years", 3)
    if not isinstance(years, int) or isinstance(years, bool) or years < 1:
        raise ctx.fail("pack.facility_inspection_years", "must be a whole number of years")
    activity = table.get("self_investigation_activity")
    if activity is not None and activity not in activities:
        raise ctx.fail("pack.self_investigation_activity", f"unknown activity {activity!r}")
    return years, activity


def pack_path(name: str) -> Path:
    """Return the file of a pack named by RULE_PACK (a name under rules/, or a path)."""
    if "/" in name or name.endswith(".toml"):
        return Path(name)
    return RULES_DIR / f"{name}.toml"


def load_pack(name: str) -> RulePack:
    """Load the pack that RULE_PACK names; refuse unknown names."""
    path = pack_path(name)
    if not path.is_file():
        known = sorted(p.stem for p in RULES_DIR.glob("*.toml") if ".checklists" not in p.name)
        raise RulePackError(f"RULE_PACK: no rule pack {name!r} (known: {', '.join(known)})")
    return parse_pack(path)


def active_pack() -> RulePack:
    """Return the rule pack of the running app."""

    pack = current_app.extensions.get("rule_pack")
    if pack is None:
        pack = load_pack(current_app.config["RULE_PACK"])
        current_app.extensions["rule_pack"] = pack
    return pack  # type: ignore[no-any-return]
