"""Attack payloads come out inert in the CSV, XLSX and GeoJSON exports.

Formula injection (CWE-1236): a cell starting with = + - @ (or tab / carriage return) is
neutralised by a leading apostrophe, as OWASP advises; everything else is kept verbatim.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.safety.hostile import PAYLOADS
from tests.safety.hostile import build

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def hostile(request: Any, world: dict[str, Any], client: Any) -> dict[str, Any]:
    """One hostile organization; the client logged in as a viewer (who may export)."""
    rows = build(PAYLOADS[request.param], world["users"])
    rows["payload"] = PAYLOADS[request.param]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["viewer"].id)
        sess["_fresh"] = True
    return rows


def _expected(payload: str) -> str:
    return "'" + payload if payload.startswith(DANGEROUS_START) else payload


def _csv_cells(client: Any, url: str) -> list[str]:
    resp = client.get(url)
    assert resp.status_code == 200, url
    text = resp.data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("url", ["/exports/assets.csv", "/exports/facilities.csv"])
def test_csv_cells_are_inert(client: Any, hostile: dict[str, Any], url: str) -> None:
    cells = _csv_cells(client, url)
    assert not [c for c in cells if c.startswith(DANGEROUS_START) and not _number(c)]
    assert _expected(hostile["payload"]) in cells


def _number(cell: str) -> bool:
    """Negative numbers (e.g. a longitude west of Greenwich) may start with '-'."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_xlsx_has_no_formulas(client: Any, hostile: dict[str, Any]) -> None:
    resp = client.get("/exports/assets.xlsx")
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("=")
                    values.append(cell.value)
    assert _expected(hostile["payload"]) in values or hostile["payload"] in values


def test_geojson_keeps_text_verbatim(client: Any, hostile: dict[str, Any]) -> None:
    resp = client.get("/exports/assets.geojson")
    assert resp.status_code == 200
    data = json.loads(resp.data)
    texts = [
        v
        for feature in data["features"]
        for v in feature["properties"].values()
        if isinstance(v, str)
    ]
    assert hostile["payload"] in texts
