"""Validity months from the rule pack, and adding months to a date."""

from __future__ import annotations

import sys
import types
from datetime import date
from typing import Any

from registry.certificates.validity import add_months
from registry.certificates.validity import validity_months


def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert add_months(date(2026, 11, 28), 12) == date(2027, 11, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_months_come_from_the_active_rule_pack(monkeypatch: Any) -> None:
    fake = types.ModuleType("registry.compliance.rules")
    fake.active_pack = lambda: types.SimpleNamespace(certificate_validity_months=18)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "registry.compliance.rules", fake)
    assert validity_months() == 18


def test_twelve_months_without_a_rule_pack(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "registry.compliance.rules", None)
    assert validity_months() == 12
