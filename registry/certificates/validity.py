"""How long a certificate is valid: from the rule pack, one year by default."""

from __future__ import annotations

import calendar
import importlib
from datetime import date
from typing import Any

DEFAULT_MONTHS = 12


def validity_months() -> int:
    """Return the rule pack's `certificate_validity_months`, or 12 without one."""
    try:
        rules: Any = importlib.import_module("registry.compliance.rules")
    except ImportError:
        return DEFAULT_MONTHS
    try:
        months = int(rules.active_pack().certificate_validity_months)
    except (AttributeError, TypeError, ValueError, RuntimeError):
        return DEFAULT_MONTHS
    return months if months > 0 else DEFAULT_MONTHS


def add_months(start: date, months: int) -> date:
    """Return the same day `months` later (the month's last day when it has no such day)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
