"""Calendar arithmetic for obligation intervals: months clamp to the month's end."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from datetime import timedelta


def add_months(day: date, months: int) -> date:
    """Add calendar months; a day past the new month's end clamps (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Interval:
    days: int = 0
    months: int = 0
    years: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def add(self, day: date) -> date:
        """Return the date one interval after `day`."""
        if self.days:
            return day + timedelta(days=self.days)
        return add_months(day, self.total_months)

    def latest_start(self, limit: date) -> date:
        """Return the latest start date whose interval ends on or before `limit`.

        `add` never decreases as the start grows, so the starts that end by `limit` form a
        prefix of the calendar: the engine compares a start date with this bound in SQL.
        """
        if self.days:
            return limit - timedelta(days=self.days)
        guess = add_months(limit, -self.total_months)
        while self.add(guess + timedelta(days=1)) <= limit:
            guess += timedelta(days=1)
        while self.add(guess) > limit:
            guess -= timedelta(days=1)
        return guess

    def describe(self) -> tuple[int, str]:
        """Return (amount, unit) for display."""
        if self.days:
            return self.days, "days"
        if self.months:
            return self.months, "months"
        return self.years, "years"
