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
from pathlib import Path
from typing import Any

from flask import current_app

from registry.compliance.event_rules import parse_events
from registry.compliance.event_rules import parse_financial
from registry.compliance.event_rules import parse_training
from registry.compliance.obligation_rules import PackContext
from registry.compliance.obligation_rules import RulePackError
from registry.compliance.obligation_rules import parse_activities
from registry.compliance.obligation_rules import parse_conditions
from registry.compliance.obligation_rules import parse_obligation
from registry.compliance.obligation_rules import unknown_keys
from registry.compliance.obligations import Activity
from registry.compliance.obligations import Condition
from registry.compliance.obligations import EventObligation
from registry.compliance.obligations import Obligation
from registry.compliance.obligations import RulePack
from registry.compliance.receptor_rules import parse_receptor_distances
from registry.compliance.release_rules import pack_text
from registry.compliance.release_rules import parse_release
from registry.compliance.violation_library import parse_violations

# The names other modules import from here: the loader and, re-exported, the model.
__all__ = [
    "RULES_DIR",
    "Activity",
    "Condition",
    "Obligation",
    "RulePack",
    "RulePackError",
    "active_pack",
    "load_pack",
    "pack_path",
    "parse_pack",
]

RULES_DIR = Path(__file__).resolve().parent / "rules"
SEVERITIES = ("low", "medium", "high", "critical")
TOP_KEYS = {
    "pack",
    "activities",
    "obligations",
    "event_obligations",
    "training",
    "financial_responsibility",
    "release",
    "violations",
    "receptor_distances_m",
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


def _settings(ctx: PackContext, raw: Any) -> tuple[int, dict[str, int]]:
    if not isinstance(raw, dict):
        raise ctx.fail("pack", "missing [pack] table")
    unknown_keys(ctx, raw, PACK_KEYS, "pack.")
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
    ctx = PackContext(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"rule pack {path.name}: cannot read: {exc}") from exc
    unknown_keys(ctx, data, TOP_KEYS)
    months, days = _settings(ctx, data.get("pack"))
    pack_table = data["pack"]
    activities = parse_activities(ctx, data.get("activities"))
    raw_obligations = data.get("obligations")
    if not isinstance(raw_obligations, list) or not raw_obligations:
        ctx.where = "pack"
        raise ctx.fail("obligations", "must list at least one obligation")
    obligations = tuple(parse_obligation(ctx, raw, activities) for raw in raw_obligations)
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
        code=pack_text(ctx.fail, pack_table, "code"),
        title_zh=pack_text(ctx.fail, pack_table, "title_zh"),
        title_en=pack_text(ctx.fail, pack_table, "title_en"),
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
    ctx: PackContext, table: Mapping[str, Any], activities: dict[str, Activity], name: str
) -> str | None:
    """Read `<name>_activity` of [pack]: an activity code of the pack, or None."""
    activity = table.get(f"{name}_activity")
    if activity is not None and activity not in activities:
        raise ctx.fail(f"pack.{name}_activity", f"unknown activity {activity!r}")
    return activity  # type: ignore[no-any-return]


def _events(
    ctx: PackContext, raw: Any, activities: dict[str, Activity]
) -> tuple[EventObligation, ...]:
    """Read `[[event_obligations]]`, errors naming the obligation and the key."""

    def fail(where: str, key: str, problem: str) -> RulePackError:
        ctx.where = where
        return ctx.fail(key, problem)

    def conditions(where: str, key: str, raw: Any) -> tuple[Condition, ...]:
        ctx.where = where
        return parse_conditions(ctx, key, raw, "asset")

    found = parse_events(fail, raw, set(activities), conditions)
    ctx.where = "pack"
    return found


def _visit_settings(
    ctx: PackContext, table: Mapping[str, Any], activities: dict[str, Activity]
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
