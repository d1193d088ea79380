"""A point's readings of one parameter as an SVG line chart, built as a string on the server.

No script and no style attribute (the CSP allows neither inline): presentation attributes
only. The viewBox scales the chart to its container, so it fits a 360-pixel phone screen.
Every text that comes from data is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 24, 30
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def nice_ticks(high: float, count: int = 4) -> list[float]:
    """Return round tick values from 0 to at least `high` (1, 2 or 5 times a power of ten)."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    n = math.ceil(high / step - 1e-9)
    return [round(i * step, 12) for i in range(n + 1)]


def _fmt(value: float) -> str:
    return f"{value:g}"


def _x_of(dates: Sequence[date]) -> dict[date, float]:
    first, last = min(dates), max(dates)
    span = (last - first).days
    if span == 0:
        return {first: LEFT + PLOT_W / 2}
    return {d: LEFT + PLOT_W * (d - first).days / span for d in set(dates)}


def _y_axis(ticks: list[float], y: object) -> list[str]:
    out = []
    for t in ticks:
        yy = y(t)  # type: ignore[operator]
        out.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" '
            'stroke="#e2e2e2" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{yy + 3:.1f}" text-anchor="end" font-size="11" '
            f'fill="#444">{_fmt(t)}</text>'
        )
    return out


def _x_axis(
    dates: Sequence[date], xs: dict[date, float], label: Callable[[date], str]
) -> list[str]:
    shown = sorted(set(dates))
    if len(shown) > 3:
        shown = [shown[0], shown[len(shown) // 2], shown[-1]]
    out = [
        f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{WIDTH - RIGHT}" y2="{TOP + PLOT_H}" '
        'stroke="#444" stroke-width="1"/>'
    ]
    for d in shown:
        anchor = "start" if xs[d] == LEFT and len(shown) > 1 else "middle"
        if xs[d] == WIDTH - RIGHT and len(shown) > 1:
            anchor = "end"
        out.append(
            f'<text class="date" x="{xs[d]:.1f}" y="{TOP + PLOT_H + 16}" '
            f'text-anchor="{anchor}" font-size="11" fill="#444">{escape(label(d))}</text>'
        )
    return out


def render_chart(
    readings: Sequence[tuple[date, float]],
    *,
    screening: float | None,
    unit: str,
    title: str,
    screening_label: str = "screening value",
    date_label: Callable[[date], str] = date.isoformat,
) -> str:
    """Return an SVG document of the readings over time against a dashed screening line."""
    dates = [d for d, _ in readings]
    values = [v for _, v in readings]
    ticks = nice_ticks(max(values + ([screening] if screening else []) + [0.0]) * 1.05)
    top = ticks[-1]

    def y(value: float) -> float:
        return TOP + PLOT_H - PLOT_H * value / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label={quoteattr(title)} class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="12" font-size="11" fill="#444">{escape(unit)}</text>',
        *_y_axis(ticks, y),
    ]
    if readings:
        xs = _x_of(dates)
        parts += _x_axis(dates, xs, date_label)
        line = " ".join(f"{xs[d]:.1f},{y(v):.1f}" for d, v in readings)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
        for d, v in readings:
            over = screening is not None and v > screening
            parts.append(
                f'<circle class="reading{" over" if over else ""}" cx="{xs[d]:.1f}" '
                f'cy="{y(v):.1f}" r="{4 if over else 3}" fill="{"#c0262d" if over else "#1f5fa8"}">'
                f"<title>{escape(date_label(d))}: {_fmt(v)} {escape(unit)}</title></circle>"
            )
    if screening is not None:
        sy = y(screening)
        parts.append(
            f'<line class="screening" x1="{LEFT}" y1="{sy:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{sy:.1f}" stroke="#c0262d" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - RIGHT}" y="{sy - 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#c0262d">{escape(screening_label)} {_fmt(screening)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
