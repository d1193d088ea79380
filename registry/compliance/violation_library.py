"""The violation library of a rule pack: `[[violations]]`, what a facility visit can cite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CATEGORIES = (
    "release_prevention",
    "release_detection",
    "operations",
    "financial_responsibility",
    "records",
)
SOC_CATEGORIES = ("release_prevention", "release_detection")
VIOLATION_SEVERITIES = ("low", "medium", "high", "critical")
VIOLATION_KEYS = {
    "code",
    "title_zh",
    "title_en",
    "category",
    "soc",
    "severity",
    "rtc_days",
    "citation",
    "assumed",
}


@dataclass(frozen=True)
class ViolationCode:
    """One numbered violation: what it is, whether it counts for SOC, days to return."""

    code: str
    title_zh: str
    title_en: str
    category: str
    soc: bool
    severity: str
    rtc_days: int
    citation: str
    assumed: bool = False

    def title(self, locale: str) -> str:
        return self.title_zh if locale == "zh" else self.title_en


def parse_violations(fail: Any, raw: Any) -> dict[str, ViolationCode]:
    """Validate the `[[violations]]` tables; `fail(key, problem)` builds the error to raise."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise fail("violations", "must be a list of tables")
    found: dict[str, ViolationCode] = {}
    for entry in raw:
        violation = _violation(fail, entry)
        if violation.code in found:
            raise fail("violations", f"code {violation.code!r} repeated")
        found[violation.code] = violation
    return found


def _violation(fail: Any, raw: Any) -> ViolationCode:
    if not isinstance(raw, dict):
        raise fail("violations", "each violation must be a table")
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise fail("violations.code", "every violation needs a code")
    for key in sorted(set(raw) - VIOLATION_KEYS):
        raise fail(f"violations.{code}.{key}", "unknown key")
    for key in ("title_zh", "title_en", "citation"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(f"violations.{code}.{key}", "must be a non-empty string")
    if raw.get("category") not in CATEGORIES:
        raise fail(f"violations.{code}.category", f"must be one of {', '.join(CATEGORIES)}")
    if raw.get("severity") not in VIOLATION_SEVERITIES:
        raise fail(f"violations.{code}.severity", "unknown severity")
    for key in ("soc", "assumed"):
        if not isinstance(raw.get(key, False), bool):
            raise fail(f"violations.{code}.{key}", "must be true or false")
    days = raw.get("rtc_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise fail(f"violations.{code}.rtc_days", "must be whole days")
    return ViolationCode(
        code=code,
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        category=raw["category"],
        soc=bool(raw.get("soc", False)),
        severity=raw["severity"],
        rtc_days=days,
        citation=raw["citation"],
        assumed=bool(raw.get("assumed", False)),
    )
