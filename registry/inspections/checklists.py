"""Inspection checklists of the rule pack: loaded from TOML, validated, filtered per asset."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

RULES_DIR = Path(__file__).resolve().parent.parent / "compliance" / "rules"
TYPES = ("yesno", "number", "choice", "text")
SEVERITIES = ("low", "medium", "high", "critical")
YESNO_VALUES = ("yes", "no", "na")
ITEM_KEYS = {
    "code",
    "label_zh",
    "label_en",
    "type",
    "required",
    "unit",
    "min",
    "max",
    "valid_min",
    "valid_max",
    "choices",
    "applies_when",
    "fail_when",
    "finding_severity",
    "satisfies",
    "violation",
}
TOP_KEYS = {"version", "finding_due_days", "items"}
CHOICE_KEYS = {"value", "label_zh", "label_en"}
# Asset attributes an item may depend on.
CONDITION_ATTRIBUTES = {
    "kind",
    "status",
    "substance",
    "wall",
    "material",
    "corrosion_protection",
    "anti_seepage",
    "leak_detection",
    "spill_containment",
    "overfill_prevention",
    "piping_type",
    "line_leak_detector",
}


class ChecklistError(ValueError):
    """A checklist file breaks the format; the message names the file and the item."""


@dataclass(frozen=True)
class Choice:
    value: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Item:
    code: str
    label_zh: str
    label_en: str
    type: str
    required: bool = False
    unit: str | None = None
    # min/max: the compliant range (outside it, the answer fails and opens a finding);
    # valid_min/valid_max: the range a reading can have (outside it, a typing error to correct).
    min: float | None = None
    max: float | None = None
    valid_min: float | None = None
    valid_max: float | None = None
    choices: tuple[Choice, ...] = ()
    applies_when: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    fail_when: tuple[str, ...] = ()
    finding_severity: str = "medium"
    satisfies: tuple[str, ...] = ()
    # The code of the pack's violation that a non-compliant answer means (None: none).
    violation: str | None = None

    def label(self, locale: str) -> str:
        """Return the label in a language (zh or en)."""
        return self.label_zh if locale == "zh" else self.label_en

    def applies_to(self, asset: Any) -> bool:
        """Say whether the item is asked about this asset."""
        for attribute, allowed in self.applies_when.items():
            value = getattr(asset, attribute, None)
            if isinstance(value, list | tuple):
                if not set(value) & set(allowed):
                    return False
            elif value not in allowed:
                return False
        return True

    def impossible(self, value: float) -> bool:
        """Say whether a number lies outside the range a reading of this item can have."""
        return (self.valid_min is not None and value < self.valid_min) or (
            self.valid_max is not None and value > self.valid_max
        )

    def fails(self, value: Any) -> bool:
        """Say whether an answer is non-compliant."""
        if value is None or value == "na":
            return False
        if self.type == "yesno":
            return value in (self.fail_when or ("no",))
        if self.type == "number":
            number = float(value)
            return (self.min is not None and number < self.min) or (
                self.max is not None and number > self.max
            )
        if self.type == "choice":
            return value in self.fail_when
        return False


@dataclass(frozen=True)
class Checklist:
    pack: str
    version: str
    finding_due_days: dict[str, int]
    items: tuple[Item, ...]

    def for_asset(self, asset: Any) -> list[Item]:
        """Return the items asked about an asset, in file order."""
        return [item for item in self.items if item.applies_to(asset)]

    def item(self, code: str) -> Item | None:
        """Return the item of a code."""
        return next((i for i in self.items if i.code == code), None)


def _fail(path: Path, where: str, message: str) -> ChecklistError:
    return ChecklistError(f"{path.name}: {where}: {message}")


def _choices(path: Path, where: str, raw: Any) -> tuple[Choice, ...]:
    if not isinstance(raw, list):
        raise _fail(path, where, "choices must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) - CHOICE_KEYS or "value" not in entry:
            raise _fail(path, where, f"bad choice {entry!r} (keys: value, label_zh, label_en)")
        value = str(entry["value"])
        out.append(Choice(value, entry.get("label_zh", value), entry.get("label_en", value)))
    return tuple(out)


def _conditions(path: Path, where: str, raw: Any) -> dict[str, tuple[Any, ...]]:
    if not isinstance(raw, dict):
        raise _fail(path, where, "applies_when must be a table")
    out = {}
    for attribute, allowed in raw.items():
        if attribute not in CONDITION_ATTRIBUTES:
            raise _fail(path, where, f"applies_when: unknown asset attribute {attribute!r}")
        out[attribute] = tuple(allowed if isinstance(allowed, list) else [allowed])
    return out


def _item(path: Path, index: int, raw: Any) -> Item:
    if not isinstance(raw, dict):
        raise _fail(path, f"item {index + 1}", "not a table")
    where = f"item {raw.get('code') or index + 1}"
    unknown = sorted(set(raw) - ITEM_KEYS)
    if unknown:
        raise _fail(path, where, f"unknown key {unknown[0]!r}")
    for key in ("code", "label_zh", "label_en", "type"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise _fail(path, where, f"{key} is missing")
    if raw["type"] not in TYPES:
        raise _fail(path, where, f"type must be one of {', '.join(TYPES)}")
    severity = raw.get("finding_severity", "medium")
    if severity not in SEVERITIES:
        raise _fail(path, where, f"finding_severity must be one of {', '.join(SEVERITIES)}")
    choices = _choices(path, where, raw.get("choices", []))
    if raw["type"] == "choice" and not choices:
        raise _fail(path, where, "a choice item needs choices")
    fail_when = tuple(str(v) for v in raw.get("fail_when", []))
    allowed = YESNO_VALUES if raw["type"] == "yesno" else tuple(c.value for c in choices)
    if any(v not in allowed for v in fail_when):
        raise _fail(path, where, f"fail_when values must be among {', '.join(allowed)}")
    for key in ("min", "max", "valid_min", "valid_max"):
        if key in raw and not isinstance(raw[key], int | float):
            raise _fail(path, where, f"{key} must be a number")
    return Item(
        code=raw["code"],
        label_zh=raw["label_zh"],
        label_en=raw["label_en"],
        type=raw["type"],
        required=bool(raw.get("required", False)),
        unit=raw.get("unit"),
        min=raw.get("min"),
        max=raw.get("max"),
        valid_min=raw.get("valid_min"),
        valid_max=raw.get("valid_max"),
        choices=choices,
        applies_when=_conditions(path, where, raw.get("applies_when", {})),
        fail_when=fail_when,
        finding_severity=severity,
        satisfies=tuple(raw.get("satisfies", [])),
        violation=_violation_code(path, where, raw.get("violation")),
    )


def _violation_code(path: Path, where: str, raw: Any) -> str | None:
    if raw is not None and (not isinstance(raw, str) or not raw.strip()):
        raise _fail(path, where, "violation must be a violation code")
    return raw


def parse_checklist(path: Path, pack: str) -> Checklist:
    """Read and validate a checklist file; raise ChecklistError naming file and item."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{path.name}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise ChecklistError(f"{path.name}: unknown key {unknown[0]!r}")
    if not isinstance(data.get("version"), str):
        raise ChecklistError(f"{path.name}: version is missing")
    due = data.get("finding_due_days", {})
    if set(due) != set(SEVERITIES) or not all(isinstance(v, int) and v > 0 for v in due.values()):
        raise ChecklistError(f"{path.name}: finding_due_days needs days for {SEVERITIES}")
    items = tuple(_item(path, i, raw) for i, raw in enumerate(data.get("items", [])))
    codes = [i.code for i in items]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ChecklistError(f"{path.name}: item {duplicates[0]}: code used twice")
    return Checklist(pack=pack, version=data["version"], finding_due_days=due, items=items)


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float, pack: str) -> Checklist:
    return parse_checklist(Path(path), pack)


def load_checklist(pack: str | None = None) -> Checklist:
    """Return the checklist of a rule pack (default: the RULE_PACK setting)."""
    pack = pack or current_app.config["RULE_PACK"]
    path = RULES_DIR / f"{pack}.checklists.toml"
    if not path.exists():
        raise ChecklistError(f"{path.name}: no checklist for rule pack {pack!r}")
    return _cached(str(path), path.stat().st_mtime, pack)
