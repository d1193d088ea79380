"""Monitoring pages: points list and form, readings with the chart, alert list, dashboard tile."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from registry.extensions import db
from registry.monitoring.services import add_reading
from registry.monitoring.services import create_point
from tests.helpers import log_in
from tests.helpers import shown

SVG = "{http://www.w3.org/2000/svg}"


def _svgs(html: str) -> list[ET.Element]:
    out = []
    rest = html
    while "<svg" in rest:
        start = rest.index("<svg")
        end = rest.index("</svg>", start) + len("</svg>")
        out.append(ET.fromstring(rest[start:end]))
        rest = rest[end:]
    return out


def test_operator_adds_a_point_and_a_reading(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    fac = world["fac_a"]
    page = client.get(f"/facilities/{fac.id}").get_data(as_text=True)
    assert f"/facilities/{fac.id}/monitoring" in page and "MW-1" in page
    r = client.post(f"/facilities/{fac.id}/monitoring", data={"name": "", "kind": "soil"})
    assert r.status_code == 422
    r = client.post(f"/facilities/{fac.id}/monitoring", data={"name": "S-1", "kind": "soil"})
    assert r.status_code == 302
    point_url = r.headers["Location"]
    r = client.post(
        point_url,
        data={"parameter": "tph", "value": "5000", "unit": "mg/kg", "sampled_on": "2026-04-01"},
    )
    assert r.status_code == 302
    html = client.get(point_url).get_data(as_text=True)
    assert "2026-04-01" in html or "2026" in html
    assert 'data-kind="exceedance"' in html  # soil TPH screening value 4500 mg/kg


def test_reading_form_keeps_input_on_error(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["operator_a"])
    url = f"/monitoring-points/{world['point_a'].id}"
    r = client.post(
        url,
        data={
            "parameter": "toluene",
            "value": "0.123",
            "unit": "mg/kg",
            "sampled_on": "2026-03-03",
        },
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'value="0.123"' in html and 'value="2026-03-03"' in html and 'value="mg/kg"' in html
    assert "mg/L" in html  # the message names the right unit
    assert 'aria-invalid="true"' in html


def test_point_page_draws_a_chart_that_parses(client: Any, world: dict[str, Any]) -> None:
    point = world["point_a"]
    for i, v in enumerate([0.004, 0.006, 0.012, 0.009]):
        add_reading(
            point,
            entered_by=None,
            parameter="benzene",
            value=v,
            unit="mg/L",
            sampled_on=date(2026, 2 + i, 1),
        )
    db.session.commit()
    log_in(client, world["users"]["viewer"])
    html = client.get(f"/monitoring-points/{point.id}").get_data(as_text=True)
    assert 'name="sampled_on"' not in html  # viewers read only
    (svg,) = _svgs(html)
    assert svg.get("viewBox") == "0 0 360 220" and svg.get("width") == "100%"
    circles = svg.findall(f"{SVG}circle")
    assert len(circles) == 5
    assert sum("over" in (c.get("class") or "") for c in circles) == 1  # 0.012 > 0.01
    line = svg.find(f"{SVG}line[@class='screening']")
    assert line is not None and line.get("stroke-dasharray")
    dates = [t.text for t in svg.findall(f"{SVG}text[@class='date']")]
    assert dates[0] == shown(date(2026, 1, 5)) and dates[-1] == shown(date(2026, 5, 1))


def test_alert_list_and_dashboard_tile(client: Any, world: dict[str, Any]) -> None:
    add_reading(
        world["point_a"],
        entered_by=None,
        parameter="benzene",
        value=0.2,
        unit="mg/L",
        sampled_on=date(2026, 3, 1),
    )
    db.session.commit()
    log_in(client, world["users"]["regulator"])
    html = client.get("/alerts").get_data(as_text=True)
    assert 'data-kind="exceedance"' in html and "MW-1" in html and "甲加油站" in html
    dash = client.get("/dashboard").get_data(as_text=True)
    assert 'data-count="monitoring_alerts"' in dash
    tile = dash[dash.index('data-count="monitoring_alerts"') :]
    assert '<span class="num">1</span>' in tile[:200]
    log_in(client, world["users"]["operator_b"])
    assert "MW-1" not in client.get("/alerts").get_data(as_text=True)


def test_operator_reminders_page_lists_the_alert(client: Any, world: dict[str, Any]) -> None:
    point = create_point(world["fac_a"], created_by=None, name="MW-2", kind="groundwater_well")
    for i, v in enumerate([0.001, 0.002, 0.003, 0.004, 0.005, 0.006]):
        add_reading(
            point,
            entered_by=None,
            parameter="mtbe",
            value=v / 10,
            unit="mg/L",
            sampled_on=date(2026, 1 + i, 10),
        )
    db.session.commit()
    log_in(client, world["users"]["operator_a"])
    html = client.get("/reminders?as_of=2026-07-01").get_data(as_text=True)
    assert "MW-2" in html


def test_markup_in_a_point_name_stays_text(client: Any, world: dict[str, Any]) -> None:
    evil = '<img src=x onerror="alert(1)">"\'&'
    point = create_point(
        world["fac_a"],
        created_by=None,
        name=evil,
        kind="groundwater_well",
        notes="<script>alert(2)</script>",
    )
    add_reading(
        point,
        entered_by=None,
        parameter="benzene",
        value=0.5,
        unit="mg/L",
        sampled_on=date(2026, 3, 1),
    )
    db.session.commit()
    log_in(client, world["users"]["regulator"])
    for url in (
        f"/monitoring-points/{point.id}",
        f"/facilities/{world['fac_a'].id}/monitoring",
        f"/facilities/{world['fac_a'].id}",
        "/alerts",
        "/dashboard",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>alert(2)" not in html, url
    (svg,) = _svgs(client.get(f"/monitoring-points/{point.id}").get_data(as_text=True))
    assert evil in svg.get("aria-label")
