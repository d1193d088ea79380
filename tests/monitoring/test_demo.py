"""The demo data shows one exceedance and one rising trend."""

from __future__ import annotations

from typing import Any

from registry.demo import load_demo
from registry.monitoring.alerts import alerts


def test_demo_has_an_exceedance_and_a_rising_trend(db: Any) -> None:
    assert load_demo()
    found = alerts(None)
    kinds = sorted((a.kind, a.parameter, a.facility_name) for a in found)
    assert kinds == [
        ("exceedance", "tph", "永定门油库"),
        ("rising_trend", "benzene", "东直门加油站"),
    ]
