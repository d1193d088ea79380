"""Rule-pack loading: both packs load; anything unknown stops start-up with a precise message."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from registry import create_app
from registry.compliance.intervals import Interval
from registry.compliance.intervals import add_months
from registry.compliance.rules import RULES_DIR
from registry.compliance.rules import RulePackError
from registry.compliance.rules import load_pack
from registry.compliance.rules import parse_pack

D = date.fromisoformat
CN_CODES = {
    "basic_information_report",
    "patrol",
    "interstitial_monitoring_check",
    "observation_pipe_check",
    "groundwater_monitoring",
    "soil_monitoring_surface",
    "soil_monitoring_deep",
    "hidden_hazard_investigation",
    "leak_detection_equipment_check",
}
US_CODES = {
    "tank_release_detection",
    "tank_tightness_test",
    "pressurized_line_tightness",
    "line_leak_detector_test",
    "suction_line_tightness",
    "cathodic_protection_test",
    "rectifier_check",
    "spill_prevention_test",
    "overfill_inspection",
    "containment_sump_test",
    "walkthrough_30_day",
    "walkthrough_annual",
    "release_detection_equipment_test",
}


def test_packs_encode_every_row_with_citations() -> None:
    cn, us = load_pack("cn-beijing"), load_pack("us-epa-280")
    assert {o.code for o in cn.obligations} == CN_CODES
    assert {o.code for o in us.obligations} == US_CODES
    for o in cn.obligations + us.obligations:
        assert o.citation and o.title_zh and o.title_en
    assumed = {o.code for o in cn.obligations if o.assumed}
    assert assumed == {
        "basic_information_report",
        "patrol",
        "interstitial_monitoring_check",
        "observation_pipe_check",
        "leak_detection_equipment_check",
    }
    assert cn.certificate_validity_months == 12
    assert set(cn.corrective_action_days) == {"low", "medium", "high", "critical"}


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2024-12-31", 2, "2025-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
    ],
)
def test_month_arithmetic_clamps_month_ends(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize("interval", [Interval(months=1), Interval(years=1), Interval(days=30)])
def test_latest_start_is_the_exact_bound(interval: Interval) -> None:
    for limit in (D("2025-02-28"), D("2024-02-29"), D("2024-03-31"), D("2026-11-30")):
        bound = interval.latest_start(limit)
        assert interval.add(bound) <= limit
        assert interval.add(date.fromordinal(bound.toordinal() + 1)) > limit


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (RULES_DIR / "cn-beijing.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'code = "patrol"\n',
            'code = "patrol"\nfrequency = 3\n',
            "broken.toml: obligation 'patrol': key 'frequency': unknown key",
        ),
        (
            'satisfied_by = ["patrol"]',
            'satisfied_by = ["patrolling"]',
            "broken.toml: obligation 'patrol': key 'satisfied_by': unknown activity 'patrolling'",
        ),
        (
            'when = [{ asset = { wall = "double" } }]',
            'when = [{ asset = { walls = "double" } }]',
            "obligation 'interstitial_monitoring_check': key 'when.asset.walls': unknown attribute",
        ),
        (
            'when = [{ asset = { wall = "double" } }]',
            'when = [{ asset = { wall = "triple" } }]',
            "obligation 'interstitial_monitoring_check': key 'when.asset.wall': unknown value",
        ),
        (
            "[pack.corrective_action_days]\n",
            "[pack.corrective_action_days]\nurgent = 2\n",
            "broken.toml: pack: key 'pack.corrective_action_days.urgent': unknown severity",
        ),
        (
            'title_en = "Patrol"\n',
            'title_en = "Patrol"\ncolour = "red"\n',
            "broken.toml: activity 'patrol': key 'colour': unknown key",
        ),
        (
            'interval = { days = 30 }\nassumed = true\nfirst_due = { from = "installation" }\n'
            'satisfied_by = ["patrol"]',
            'interval = { weeks = 4 }\nassumed = true\nfirst_due = { from = "installation" }\n'
            'satisfied_by = ["patrol"]',
            "obligation 'patrol': key 'interval.weeks': unknown key",
        ),
    ],
)
def test_unknown_things_stop_loading(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(RulePackError, match=re.escape(message)):
        parse_pack(path)


def test_app_does_not_start_with_a_broken_pack(tmp_path: Path, app: Any) -> None:
    path = _broken(tmp_path, 'code = "patrol"\n', 'code = "patrol"\nfrequency = 3\n')
    config = dict(app.config, RULE_PACK=str(path))
    config.pop("DISTRICT_BOUNDS")
    with pytest.raises(RulePackError, match="broken.toml: obligation 'patrol': key 'frequency'"):
        create_app(config)
    config["RULE_PACK"] = "atlantis"
    with pytest.raises(RulePackError, match="RULE_PACK: no rule pack 'atlantis'"):
        create_app(config)
