"""The SVG chart on its own (escaping, edge cases, phone width) and the SCREENING_VALUES setting."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from registry.config import ConfigError
from registry.config import parse_screening_values
from registry.monitoring.chart import nice_ticks
from registry.monitoring.chart import render_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_escapes_text_and_has_no_script_or_style() -> None:
    svg = render_chart(
        [(date(2026, 1, 1), 0.5), (date(2026, 4, 1), 1.5)],
        screening=1.0,
        unit="mg/L",
        title='<script>alert("x")</script> & MW-1',
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & MW-1'
    assert "<script" not in svg and "style=" not in svg
    assert root.find(f"{SVG}script") is None


def test_points_are_placed_in_time_and_value() -> None:
    readings = [(date(2026, 1, 1), 0.0), (date(2026, 1, 11), 2.0), (date(2026, 1, 31), 4.0)]
    root = ET.fromstring(render_chart(readings, screening=3.0, unit="mg/L", title="t"))
    cx = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
    cy = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert cx[0] < cx[1] < cx[2]
    assert (cx[1] - cx[0]) * 2 == pytest.approx(cx[2] - cx[1], abs=0.2)  # 10 days vs 20 days
    assert cy[0] > cy[1] > cy[2]  # higher values drawn higher
    screening = root.find(f"{SVG}line[@class='screening']")
    assert cy[1] > float(screening.get("y1")) > cy[2]
    assert [c.get("class") for c in root.iter(f"{SVG}circle")] == [
        "reading",
        "reading",
        "reading over",
    ]
    # every drawn x lies inside the 360-unit-wide viewBox
    assert all(0 <= x <= 360 for x in cx)


def test_single_reading_and_no_screening_value() -> None:
    root = ET.fromstring(
        render_chart([(date(2026, 5, 5), 0.3)], screening=None, unit="mg/m³", title="t")
    )
    (circle,) = root.iter(f"{SVG}circle")
    assert 0 < float(circle.get("cx")) < 360
    assert root.find(f"{SVG}line[@class='screening']") is None
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "date"] == ["2026-05-05"]


def test_nice_ticks() -> None:
    assert nice_ticks(0.0105) == [0.0, 0.005, 0.01, 0.015]
    assert nice_ticks(4.0) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert nice_ticks(0) == [0.0, 1.0]


def test_screening_values_defaults_and_overrides() -> None:
    defaults = parse_screening_values("")
    assert defaults["groundwater_well"]["benzene"] == 0.01
    assert defaults["soil_gas_probe"] == {}
    values = parse_screening_values("benzene=0.005, soil_gas_probe.benzene=0.2,soil.tph=826")
    assert values["groundwater_well"]["benzene"] == 0.005
    assert values["groundwater_well"]["toluene"] == 0.7  # untouched
    assert values["soil_gas_probe"] == {"benzene": 0.2}
    assert values["soil"]["tph"] == 826
    as_json = parse_screening_values('{"toluene": 1.2, "soil_gas_probe.mtbe": 3}')
    assert as_json["groundwater_well"]["toluene"] == 1.2 and as_json["soil_gas_probe"]["mtbe"] == 3


@pytest.mark.parametrize(
    "text",
    [
        "benzene",
        "lead=1",
        "benzene=abc",
        "benzene=-1",
        "benzene=0",
        "air.benzene=1",
        "{bad json",
        "[1]",
    ],
)
def test_bad_screening_values_stop_start_up(text: str) -> None:
    with pytest.raises(ConfigError, match="SCREENING_VALUES"):
        parse_screening_values(text)
