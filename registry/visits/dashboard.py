"""The regulator's dashboard: visit measures per half-year, as a table and a bar chart."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from markupsafe import escape

from registry.core.dates import today
from registry.visits.measures import violation_measures

BAR_KEYS = ("soc_release_prevention_pct", "soc_release_detection_pct", "soc_combined_pct")


def half_years(as_of: date, count: int = 4) -> list[tuple[date, date]]:
    """The last `count` half-years up to the one holding `as_of`, oldest first."""
    start = date(as_of.year, 1 if as_of.month <= 6 else 7, 1)
    out = []
    for _step in range(count):
        end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
        out.append((start, end))
        before = start - timedelta(days=1)
        start = date(before.year, 1 if before.month <= 6 else 7, 1)
    return out[::-1]


def measure_rows(as_of: date | None = None) -> list[dict[str, Any]]:
    """The measures of each of the last four half-years, labelled like `2026 H1`."""
    rows = []
    for start, end in half_years(as_of or today()):
        rows.append(
            {"label": half_year_label(start), "start": start, "end": end}
            | violation_measures(start, end)
        )
    return rows


def half_year_label(start: date) -> str:
    """Name a half-year in the reader's language: `2026 H1`, `2026年上半年`."""
    if start.month == 1:
        return _("%(year)s H1", year=start.year)
    return _("%(year)s H2", year=start.year)


def soc_chart(rows: list[dict[str, Any]]) -> Markup:
    """An SVG of grouped bars: SOC prevention, detection and combined per half-year (0-100 %)."""
    width, height, top, bottom = 480, 200, 10, 30
    group = (width - 40) / max(len(rows), 1)
    bar = group / 4
    scale = (height - top - bottom) / 100
    label = escape(_("Significant operational compliance by half-year"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}">'
    ]
    for tick in (0, 50, 100):
        y = height - bottom - tick * scale
        parts.append(
            f'<line x1="36" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccd"/>'
            f'<text x="32" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick}%</text>'
        )
    colours = ("#2b6cb0", "#2f855a", "#553c9a")
    for i, row in enumerate(rows):
        x0 = 40 + i * group + bar / 2
        for j, key in enumerate(BAR_KEYS):
            value = row[key] or 0
            h = value * scale
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{height - bottom - h:.1f}" width="{bar - 2:.1f}"'
                f' height="{h:.1f}" fill="{colours[j]}" data-value="{row[key]}"/>'
            )
        parts.append(
            f'<text x="{x0 + 1.5 * bar:.1f}" y="{height - 10}" text-anchor="middle"'
            f' font-size="11">{escape(row["label"])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
