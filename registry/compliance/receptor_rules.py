"""The `[receptor_distances_m]` table of a rule pack: how near a receptor counts as near.

Each receptor kind may name a distance in metres, the rule that fixes it, and whether the value
is assumed (no rule fixes it). Kinds the pack leaves out use the RECEPTOR_DISTANCE_M setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.core.choices import RECEPTOR_KINDS


@dataclass(frozen=True)
class ReceptorDistance:
    """How near a facility must be to a receptor of one kind to count as near it."""

    metres: float
    citation: str = ""
    assumed: bool = False


def parse_receptor_distances(fail: Any, raw: Any) -> dict[str, ReceptorDistance]:
    """Read and validate the table; `fail(key, problem)` makes the error."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("receptor_distances_m", "must be a table")
    out: dict[str, ReceptorDistance] = {}
    for kind, entry in raw.items():
        key = f"receptor_distances_m.{kind}"
        if kind not in RECEPTOR_KINDS:
            raise fail(key, "unknown receptor kind")
        if not isinstance(entry, dict) or set(entry) - {"metres", "citation", "assumed"}:
            raise fail(key, "must be a table of metres, citation, assumed")
        metres = entry.get("metres")
        if not isinstance(metres, int | float) or isinstance(metres, bool) or metres < 0:
            raise fail(f"{key}.metres", "must be a distance in metres")
        citation = entry.get("citation", "")
        assumed = entry.get("assumed", False)
        if not isinstance(citation, str) or not isinstance(assumed, bool):
            raise fail(key, "citation is text and assumed true or false")
        if not citation and not assumed:
            raise fail(key, "a distance no rule fixes must be marked assumed")
        out[kind] = ReceptorDistance(float(metres), citation, assumed)
    return out
