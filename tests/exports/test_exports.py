"""Exports: BOM and Chinese, formula neutralisation, GeoJSON, filters, streaming, access."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from registry.assets import tags
from registry.exports.writers import neutralise


def _csv(resp: Any) -> list[dict[str, str]]:
    body = resp.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def viewer(world: dict[str, Any], client: Any) -> Any:
    user = world["users"]["viewer"]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    return user


def test_csv_has_bom_and_chinese_round_trips(
    client: Any, world: dict[str, Any], viewer: Any
) -> None:
    resp = client.get("/exports/assets.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = _csv(resp)
    names = {r["facility_name"] for r in rows}
    assert {"甲加油站", "乙加油站"} <= names
    tank = next(r for r in rows if r["id"] == str(world["tank_a"].id))
    assert tank["kind"] == "tank"
    assert tank["tag"] == tags.display(world["tank_a"].tag)
    assert tank["capacity_litres"] == "30000.0"
    assert tank["leak_detection"] == "interstitial"
    assert tank["compliance"] in ("ok", "due_soon", "overdue")
    assert tank["red_tagged"] == "false"


def test_facilities_csv_has_compliance_and_counts(
    client: Any, world: dict[str, Any], viewer: Any
) -> None:
    rows = _csv(client.get("/exports/facilities.csv"))
    fac = next(r for r in rows if r["id"] == str(world["fac_a"].id))
    assert fac["name"] == "甲加油站"
    assert fac["organization_name"] == "甲公司"
    assert fac["assets"] == "2"
    assert fac["compliance"] in ("ok", "due_soon", "overdue")


@pytest.mark.parametrize("text", ["=1+1", "+CMD", "-2+3", "@SUM(A1)", "\t=x", "\r=x"])
def test_neutralise(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("normal =") == "normal ="
    assert neutralise(5) == 5


def test_formula_neutralised_in_csv_and_xlsx(
    client: Any, world: dict[str, Any], make_asset: Any, viewer: Any
) -> None:
    make_asset(world["fac_a"], operator_ref='=HYPERLINK("http://x")', substance_detail="@evil")
    rows = _csv(client.get("/exports/assets.csv"))
    bad = next(r for r in rows if r["operator_ref"].startswith("'"))
    assert bad["operator_ref"] == '\'=HYPERLINK("http://x")'
    assert bad["substance_detail"] == "'@evil"
    resp = client.get("/exports/assets.xlsx")
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.get_data()), read_only=True)
    sheet = book.worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert "'@evil" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    header = next(sheet.iter_rows(values_only=True))
    assert header[:2] == ("id", "tag")


def test_geojson_is_a_feature_collection(client: Any, world: dict[str, Any], viewer: Any) -> None:
    for name in ("assets", "facilities"):
        resp = client.get(f"/exports/{name}.geojson")
        assert resp.status_code == 200
        doc = json.loads(resp.get_data(as_text=True))
        assert doc["type"] == "FeatureCollection"
        assert len(doc["features"]) >= 2
        for feature in doc["features"]:
            assert feature["type"] == "Feature"
            assert feature["geometry"]["type"] == "Point"
            lon, lat = feature["geometry"]["coordinates"]
            assert (lon, lat) == (116.43, 39.94)
            assert "compliance" in feature["properties"]


def test_facility_without_point_has_null_geometry(
    client: Any, world: dict[str, Any], make_facility: Any, viewer: Any
) -> None:
    fac = make_facility(world["org_a"], latitude=None, longitude=None, name="无坐标站")
    doc = json.loads(client.get("/exports/facilities.geojson").get_data(as_text=True))
    feature = next(f for f in doc["features"] if f["properties"]["id"] == fac.id)
    assert feature["geometry"] is None


@pytest.mark.parametrize(
    ("query", "list_url"),
    [
        ("kind=pipeline", "/api/v1/assets?kind=pipeline"),
        ("q=甲", "/api/v1/assets?q=甲"),
        ("status=in_service&subdistrict=东直门街道", "/api/v1/assets?status=in_service"),
    ],
)
def test_asset_filters_equal_the_list(
    client: Any, world: dict[str, Any], viewer: Any, query: str, list_url: str
) -> None:
    rows = _csv(client.get(f"/exports/assets.csv?{query}"))
    listed = client.get(list_url + "&page_size=100").get_json()
    assert sorted(int(r["id"]) for r in rows) == sorted(a["id"] for a in listed)


def test_facility_filters(
    client: Any, world: dict[str, Any], make_facility: Any, viewer: Any
) -> None:
    make_facility(world["org_b"], kind="oil_depot", name="油库", subdistrict="和平里街道")
    rows = _csv(client.get("/exports/facilities.csv?kind=oil_depot"))
    assert [r["name"] for r in rows] == ["油库"]
    rows = _csv(client.get("/exports/facilities.csv?subdistrict=东直门街道"))
    assert {r["name"] for r in rows} == {"甲加油站", "乙加油站"}


def test_exports_stream(client: Any, world: dict[str, Any], viewer: Any) -> None:
    for url in ("/exports/assets.csv", "/exports/facilities.geojson", "/exports/assets.xlsx"):
        resp = client.get(url, buffered=False)
        assert resp.is_streamed, url
        assert not isinstance(resp.response, list | bytes)
        resp.get_data()
        resp.close()


def test_keyset_batches_cover_every_row(
    client: Any, world: dict[str, Any], make_asset: Any, viewer: Any, monkeypatch: Any
) -> None:
    from registry.exports import services

    monkeypatch.setattr(services, "BATCH", 2)
    for _ in range(3):
        make_asset(world["fac_b"])
    rows = _csv(client.get("/exports/assets.csv"))
    ids = [int(r["id"]) for r in rows]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 7


def test_inspectors_may_not_export(client: Any, world: dict[str, Any]) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    for url in ("/exports/assets.csv", "/exports/facilities.xlsx", "/exports/assets.geojson"):
        assert client.get(url).status_code == 403


def test_list_pages_link_to_exports_with_filters(
    client: Any, world: dict[str, Any], viewer: Any
) -> None:
    page = client.get("/assets?kind=tank&page=1").get_data(as_text=True)
    assert "/exports/assets.csv?kind=tank" in page
    assert "page=" not in page.split("/exports/assets.csv", 1)[1].split('"', 1)[0]
    page = client.get("/facilities").get_data(as_text=True)
    assert "/exports/facilities.geojson" in page


def test_operators_see_export_links_inspectors_none(client: Any, world: dict[str, Any]) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
    assert "/exports/assets.csv" in client.get("/assets").get_data(as_text=True)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
    assert "/exports/" not in client.get("/assets").get_data(as_text=True)


def test_typed_filters(client: Any, world: dict[str, Any], viewer: Any, db: Any) -> None:
    world["tank_b"].red_tagged = True
    db.session.commit()
    rows = _csv(client.get("/exports/assets.csv?red_tagged=true"))
    assert [int(r["id"]) for r in rows] == [world["tank_b"].id]
    rows = _csv(client.get(f"/exports/assets.csv?organization_id={world['org_a'].id}"))
    assert {int(r["id"]) for r in rows} == {world["tank_a"].id, world["pipe_a"].id}
    assert _csv(client.get("/exports/assets.csv?facility_id=abc")) == []
    assert _csv(client.get("/exports/facilities.csv?organization_id=x")) == []


def test_compliance_columns_agree_with_the_engine(
    client: Any, world: dict[str, Any], viewer: Any
) -> None:
    from registry.compliance.services import due_items

    items = due_items(viewer)
    rows = {int(r["id"]): r for r in _csv(client.get("/exports/assets.csv"))}
    for key in ("tank_a", "pipe_b"):
        asset_id = world[key].id
        mine = [i for i in items if i.asset_id == asset_id]
        overdue = sum(1 for i in mine if i.state == "overdue")
        soon = sum(1 for i in mine if i.state == "due_soon")
        row = rows[asset_id]
        assert (int(row["overdue"]), int(row["due_soon"])) == (overdue, soon)
        assert row["compliance"] == ("overdue" if overdue else "due_soon" if soon else "ok")
    assert any(int(r["overdue"]) for r in rows.values())
    facilities = {int(r["id"]): r for r in _csv(client.get("/exports/facilities.csv"))}
    fac_items = [i for i in items if i.facility_id == world["fac_a"].id]
    assert int(facilities[world["fac_a"].id]["overdue"]) == sum(
        1 for i in fac_items if i.state == "overdue"
    )


def test_counts_by_batch_agree_with_one_run_over_everything(
    client: Any, world: dict[str, Any], viewer: Any, make_asset: Any, monkeypatch: Any
) -> None:
    """The engine runs for each keyset batch (flat memory): the counts are those of one run."""
    from registry.compliance.services import due_items
    from registry.exports import services

    for _ in range(3):
        make_asset(world["fac_b"])
    items = [i for i in due_items(viewer) if i.state in ("overdue", "due_soon")]

    def expected(key: str, value: int) -> tuple[int, int]:
        mine = [i for i in items if getattr(i, key) == value]
        return (
            sum(1 for i in mine if i.state == "overdue"),
            sum(1 for i in mine if i.state == "due_soon"),
        )

    monkeypatch.setattr(services, "BATCH", 2)
    assets = _csv(client.get("/exports/assets.csv"))
    facilities = _csv(client.get("/exports/facilities.csv"))
    assert len(assets) == 7 and len(facilities) >= 2
    for row in assets:
        assert (int(row["overdue"]), int(row["due_soon"])) == expected("asset_id", int(row["id"]))
    for row in facilities:
        got = (int(row["overdue"]), int(row["due_soon"]))
        assert got == expected("facility_id", int(row["id"]))
    assert any(int(r["overdue"]) for r in assets)
