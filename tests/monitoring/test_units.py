"""Laboratory units: µg/L, µg/m³ and µg/kg readings kept as reported, compared converted."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from registry.extensions import db
from registry.monitoring.alerts import alerts
from registry.monitoring.services import add_reading
from registry.monitoring.services import create_point
from registry.monitoring.units import canonical_unit
from registry.monitoring.units import to_point_unit
from tests.helpers import shown

MICRO = "\u00b5"  # MICRO SIGN
MU = "\u03bc"  # GREEK SMALL LETTER MU


def _post(client: Any, h: dict[str, str], point_id: int, **body: Any) -> Any:
    reading = {"parameter": "benzene", "sampled_on": "2026-02-01", **body}
    return client.post(f"/api/v1/monitoring-points/{point_id}/readings", json=reading, headers=h)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("ug/L", "µg/L"),
        (f"{MICRO}g/L", "µg/L"),
        (f"{MU}g/L", "µg/L"),
        ("UG/L", "µg/L"),
        (" µg / l ", "µg/L"),
        ("mcg/L", "µg/L"),
        ("MG/L", "mg/L"),
        ("ug/m3", "µg/m³"),
        (f"{MICRO}g/m3", "µg/m³"),
        (f"{MU}g/m³", "µg/m³"),
        ("mg/m3", "mg/m³"),
        ("ug/kg", "µg/kg"),
        ("mg/kg", "mg/kg"),
        ("ppm", None),
        ("g/L", None),
        ("", None),
    ],
)
def test_unit_spellings(text: str, unit: str | None) -> None:
    assert canonical_unit(text) == unit


def test_conversion_to_the_point_unit() -> None:
    assert to_point_unit(20, "µg/L") == 0.02
    assert to_point_unit(0.5, "mg/L") == 0.5
    assert to_point_unit(4000, "µg/kg") == 4.0


@pytest.mark.parametrize("spelling", ["ug/L", f"{MICRO}g/L", f"{MU}g/L"])
def test_micrograms_per_litre_in_three_spellings(
    client: Any, world: dict[str, Any], api_headers: Any, spelling: str
) -> None:
    h = api_headers(world["users"]["operator_a"])
    r = _post(client, h, world["point_a"].id, value=20, unit=spelling)
    assert r.status_code == 201, r.json
    # stored as reported (spelled one way), with the value in the point's unit beside it
    assert r.json["value"] == 20 and r.json["unit"] == "µg/L"
    assert r.json["converted_value"] == 0.02 and r.json["converted_unit"] == "mg/L"


def test_20_ug_benzene_exceeds_and_5_does_not(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    point = world["point_a"]
    assert _post(client, h, point.id, value=5, unit="ug/L").status_code == 201
    assert [a for a in client.get("/api/v1/alerts", headers=h).json] == []
    r = _post(client, h, point.id, value=20, unit="µg/L", sampled_on="2026-03-01")
    assert r.status_code == 201
    found = client.get("/api/v1/alerts", headers=h).json
    assert len(found) == 1, found
    alert = found[0]
    assert alert["kind"] == "exceedance" and alert["raised_on"] == "2026-03-01"
    assert (alert["value"], alert["unit"], alert["screening_value"]) == (0.02, "mg/L", 0.01)
    assert (alert["reported_value"], alert["reported_unit"]) == (20, "µg/L")
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["regulator"].id)
        sess["_fresh"] = True
    html = client.get("/alerts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "0.02 mg/L" in html and "as reported: 20 µg/L" in html


def test_mixed_series_trends_on_converted_values(app: Any, world: dict[str, Any]) -> None:
    point = world["point_a"]  # benzene 0.002 mg/L on 2026-01-05
    # As bare numbers 3 and 4 would be above 0.01; converted (0.003, 0.004 mg/L) they are not...
    series = [(0.006, "mg/L", 2), (3, "µg/L", 3), (4, "µg/L", 4), (0.001, "mg/L", 5)]
    for value, unit, month in series:
        add_reading(
            point,
            entered_by=None,
            parameter="benzene",
            value=value,
            unit=unit,
            sampled_on=date(2026, month, 1),
        )
    db.session.commit()
    assert [a.kind for a in alerts(None, {"point_id": point.id})] == []
    # ...and 1, 2, 3, 4, 5 µg/L, some reported in mg/L, rise once converted (bare numbers
    # would not: 0.004 comes after 3).
    toluene = [(0.001, "mg/L"), (2, "µg/L"), (3, "ug/L"), (0.004, "mg/L"), (5, "µg/L")]
    for month, (value, unit) in enumerate(toluene, 1):
        add_reading(
            point,
            entered_by=None,
            parameter="toluene",
            value=value,
            unit=unit,
            sampled_on=date(2025, month, 1),
        )
    db.session.commit()
    found = alerts(None, {"point_id": point.id})
    assert [(a.kind, a.parameter, a.value, a.unit, a.reported_unit) for a in found] == [
        ("rising_trend", "toluene", 0.005, "mg/L", "µg/L")
    ]


def test_wrong_dimension_or_unknown_unit_is_refused_with_the_accepted_units(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = {**api_headers(world["users"]["operator_a"]), "Accept-Language": "en"}
    well = world["point_a"]
    for unit in ("µg/m³", "ug/kg", "ppb", "mg"):
        r = _post(client, h, well.id, value=1, unit=unit)
        assert r.status_code == 422, (unit, r.json)
        assert r.json["errors"]["unit"] == ["Use one of the units of this point: mg/L, µg/L."], (
            r.json
        )
    probe = create_point(world["fac_a"], created_by=None, name="SG-2", kind="soil_gas_probe")
    db.session.commit()
    r = _post(client, h, probe.id, value=1, unit="ug/L")
    assert r.status_code == 422
    assert r.json["errors"]["unit"] == ["Use one of the units of this point: mg/m³, µg/m³."]
    assert _post(client, h, probe.id, value=1, unit="ug/m3").status_code == 201
    point = client.get(f"/api/v1/facilities/{world['fac_a'].id}/monitoring-points", headers=h)
    by_name = {p["name"]: p for p in point.json}
    assert by_name["SG-2"]["units"] == ["mg/m³", "µg/m³"]
    assert by_name["MW-1"]["units"] == ["mg/L", "µg/L"]


def test_refusal_is_translated(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = {**api_headers(world["users"]["operator_a"]), "Accept-Language": "zh-CN"}
    r = _post(client, h, world["point_a"].id, value=1, unit="ppm")
    assert r.status_code == 422
    message = r.json["errors"]["unit"][0]
    assert message.startswith("请使用") and "mg/L, µg/L" in message, message


def _export_rows(client: Any, facility_id: int) -> list[dict[str, str]]:
    r = client.get(f"/facilities/{facility_id}/monitoring/readings.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_shows_value_and_unit_as_reported_and_converted(
    client: Any, world: dict[str, Any]
) -> None:
    point = world["point_a"]
    add_reading(
        point,
        entered_by=None,
        parameter="benzene",
        value=20,
        unit="ug/L",
        sampled_on=date(2026, 2, 1),
    )
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["viewer"].id)
        sess["_fresh"] = True
    rows = _export_rows(client, world["fac_a"].id)
    got = [
        (
            r["sampled_on"],
            r["value"],
            r["unit"],
            r["converted_value"],
            r["converted_unit"],
            r["above_screening_value"],
        )
        for r in rows
    ]
    assert got == [
        ("2026-01-05", "0.002", "mg/L", "0.002", "mg/L", "false"),
        ("2026-02-01", "20.0", "µg/L", "0.02", "mg/L", "true"),
    ]
    r = client.get(f"/facilities/{world['fac_a'].id}/monitoring/readings.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values[0]
    last = dict(zip(header, values[-1], strict=True))
    assert (last["value"], last["unit"], last["converted_value"]) == (20, "µg/L", 0.02)


def test_point_page_charts_converted_values(client: Any, world: dict[str, Any]) -> None:
    point = world["point_a"]
    add_reading(
        point,
        entered_by=None,
        parameter="benzene",
        value=20,
        unit="µg/L",
        sampled_on=date(2026, 2, 1),
    )
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
        sess["_fresh"] = True
    html = client.get(f"/monitoring-points/{point.id}").get_data(as_text=True)
    # the chart's point tooltip is in mg/L, drawn above the screening line
    assert f"{shown(date(2026, 2, 1))}: 0.02 mg/L" in html
    assert 'class="reading over"' in html
    # the table shows the reading as reported, with its value in the point's unit
    assert "20 µg/L" in html and "(0.02 mg/L)" in html
