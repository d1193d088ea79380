"""Bulk import: good and bad files, re-import, XLSX, bilingual headers, the 422 shape."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl import load_workbook
from sqlalchemy import func
from sqlalchemy import select

from registry.assets import tags
from registry.assets.models import Asset
from registry.assets.models import Tank
from registry.audit.models import AuditEvent

HEADER = "facility_id,kind,operator_ref,substance,capacity_litres,leak_detection,installed_on"


def _csv_file(text: str, name: str = "tanks.csv") -> dict[str, Any]:
    return {"file": (io.BytesIO(text.encode("utf-8")), name)}


def _post(client: Any, headers: dict[str, str], text: str, name: str = "tanks.csv") -> Any:
    return client.post("/api/v1/imports", data=_csv_file(text, name), headers=headers)


def _count(db: Any, facility: Any) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Asset).where(Asset.facility_id == facility.id)
    )


@pytest.fixture
def regulator(world: dict[str, Any], api_headers: Any) -> dict[str, str]:
    return api_headers(world["users"]["regulator"])


def _good(fac_id: int) -> str:
    return (
        f"{HEADER}\n"
        f"{fac_id},tank,IMP-1,gasoline,30000,interstitial;atg,2019-03-01\n"
        f"{fac_id},tank,IMP-2,diesel,20000,,\n"
        f"{fac_id},pipeline,IMP-3,diesel,,interstitial,\n"
    )


def test_good_file_imports_every_row(db: Any, client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"]
    before = _count(db, fac)
    resp = _post(client, regulator, _good(fac.id))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"imported": 3, "created": 3, "updated": 0}
    assert _count(db, fac) == before + 3
    tank = db.session.scalar(select(Tank).where(Tank.operator_ref == "IMP-1"))
    assert tank.capacity_litres == 30000
    assert tank.leak_detection == ["interstitial", "atg"]
    assert str(tank.installed_on) == "2019-03-01"
    assert len(tank.tag) == 12 and tags.is_valid(tank.tag)
    assert tank.status == "in_service" and tank.compartments == 1
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "asset", AuditEvent.row_id == tank.id)
    ).all()
    assert [e.action for e in events] == ["create"]
    assert events[0].changes["operator_ref"] == [None, "IMP-1"]
    assert events[0].changes["capacity_litres"] == [None, 30000.0]
    assert events[0].changes["leak_detection"] == [None, ["interstitial", "atg"]]
    assert "id" not in events[0].changes
    assert events[0].actor == world["users"]["regulator"].email


def test_reimport_does_not_duplicate(db: Any, client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"]
    assert _post(client, regulator, _good(fac.id)).status_code == 201
    count = _count(db, fac)
    changed = _good(fac.id).replace("30000", "35000")
    resp = _post(client, regulator, changed)
    assert resp.status_code == 201
    assert resp.get_json() == {"imported": 3, "created": 0, "updated": 3}
    assert _count(db, fac) == count
    db.session.expire_all()
    tank = db.session.scalar(select(Tank).where(Tank.operator_ref == "IMP-1"))
    assert tank.capacity_litres == 35000
    updates = db.session.scalars(
        select(AuditEvent).where(AuditEvent.row_id == tank.id, AuditEvent.action == "update")
    ).all()
    assert updates[-1].changes["capacity_litres"] == [30000.0, 35000.0]


def test_one_bad_row_imports_nothing(db: Any, client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"]
    before = _count(db, fac)
    text = _good(fac.id) + f"{fac.id},tank,IMP-4,petrol,-5,sonar,2999-01-01\n"
    resp = _post(client, regulator, text)
    assert resp.status_code == 422
    body = resp.get_json()
    assert set(body) >= {"errors", "message"}
    errors = body["errors"]
    assert all(set(e) == {"row", "column", "message"} for e in errors)
    assert {(e["row"], e["column"]) for e in errors} == {
        (5, "substance"),
        (5, "capacity_litres"),
        (5, "leak_detection"),
        (5, "installed_on"),
    }
    assert _count(db, fac) == before


def test_every_bad_row_is_reported(db: Any, client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"]
    text = (
        f"{HEADER}\n"
        f"{fac.id},tank,X-1,gasoline,,,\n"
        f"999999,tank,X-2,gasoline,,,\n"
        f"{fac.id},tank,,gasoline,,,\n"
        f"{fac.id},tank,X-1,gasoline,,,\n"
        f"{fac.id},boat,X-5,gasoline,,,\n"
        f"{world['pipe_a'].facility_id},tank,{world['pipe_a'].operator_ref},gasoline,,,\n"
    )
    errors = _post(client, regulator, text).get_json()["errors"]
    found = {(e["row"], e["column"]) for e in errors}
    assert found == {
        (3, "facility_id"),
        (4, "operator_ref"),
        (5, "operator_ref"),
        (6, "kind"),
        (7, "kind"),
    }


def test_operator_imports_only_into_own_facilities(
    db: Any, client: Any, world: dict, api_headers: Any
) -> None:
    headers = api_headers(world["users"]["operator_a"])
    resp = _post(client, headers, _good(world["fac_b"].id))
    assert resp.status_code == 422
    assert {e["column"] for e in resp.get_json()["errors"]} == {"facility_id"}
    assert _post(client, headers, _good(world["fac_a"].id)).status_code == 201


def test_bilingual_headers_from_the_template(
    db: Any, client: Any, world: dict, regulator: Any, login_as: Any
) -> None:
    login_as("regulator")
    resp = client.get("/imports/template.csv")
    assert resp.get_data().startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig")))
    header = next(reader)
    assert "capacity_litres 容积（升）" in header
    assert header[0].startswith("facility_id ")
    examples = list(reader)
    for row in examples:
        row[0] = str(world["fac_a"].id)
    out = io.StringIO()
    csv.writer(out).writerows([header, *examples])
    resp = _post(client, regulator, out.getvalue())
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["created"] == 2


def test_chinese_only_headers_and_gbk(db: Any, client: Any, world: dict, regulator: Any) -> None:
    text = f"场所,类型,企业自编号,储存物质\n{world['fac_a'].id},tank,中-1,diesel\n"
    resp = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(text.encode("gb18030")), "t.csv")},
        headers=regulator,
    )
    assert resp.status_code == 201, resp.get_json()
    assert db.session.scalar(select(Tank).where(Tank.operator_ref == "中-1")) is not None


def test_xlsx_import(db: Any, client: Any, world: dict, regulator: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["facility_id", "kind", "operator_ref", "substance", "installed_on", "spill_containment"]
    )
    from datetime import date

    sheet.append([world["fac_a"].id, "tank", "XL-1", "diesel", date(2018, 6, 1), "是"])
    sheet.append([world["fac_a"].id, "tank", "XL-2", "gasoline", None, "否"])
    data = io.BytesIO()
    book.save(data)
    resp = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(data.getvalue()), "tanks.xlsx")},
        headers=regulator,
    )
    assert resp.status_code == 201, resp.get_json()
    tank = db.session.scalar(select(Tank).where(Tank.operator_ref == "XL-1"))
    assert str(tank.installed_on) == "2018-06-01" and tank.spill_containment is True


def test_xlsx_template_opens(client: Any, world: dict, login_as: Any) -> None:
    login_as("regulator")
    resp = client.get("/imports/template.xlsx")
    sheet = load_workbook(io.BytesIO(resp.get_data()), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert header[:3] == ("facility_id 场所", "kind 类型", "operator_ref 企业自编号")
    assert len(list(sheet.iter_rows(values_only=True))) == 3


def test_unknown_column_and_missing_file(client: Any, world: dict, regulator: Any) -> None:
    english = dict(regulator, **{"Accept-Language": "en"})
    resp = _post(client, english, "facility_id,kind,operator_ref,substance,colour\n")
    errors = resp.get_json()["errors"]
    assert {"row": 1, "column": "colour", "message": "Unknown column."} in errors
    resp = client.post("/api/v1/imports", data={}, headers=regulator)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["column"] == "file"


def test_upload_page_reports_errors_and_imports(
    db: Any, client: Any, world: dict, login_as: Any
) -> None:
    login_as("operator", organization=world["org_a"])
    assert client.get("/imports").status_code == 200
    bad = _good(world["fac_a"].id) + f"{world['fac_a'].id},tank,Z,xx,,,\n"
    resp = client.post("/imports", data=_csv_file(bad))
    assert resp.status_code == 422
    assert "substance" in resp.get_data(as_text=True)
    resp = client.post("/imports", data=_csv_file(_good(world["fac_a"].id)))
    assert resp.status_code == 200
    assert _count(db, world["fac_a"]) == 5


@pytest.mark.slow
def test_ten_thousand_rows(db: Any, client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"]
    lines = [HEADER] + [
        f"{fac.id},tank,BULK-{i},diesel,{10000 + i},interstitial,2015-01-01" for i in range(10000)
    ]
    started = time.perf_counter()
    resp = _post(client, regulator, "\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["created"] == 10000
    assert _count(db, fac) == 10002
    assert elapsed < 60


def test_random_tags_are_valid_and_distinct() -> None:
    from registry.exports.bulk import _random_tag

    made = {_random_tag() for _ in range(2000)}
    assert len(made) == 2000
    assert all(tags.is_valid(t) and tags.normalize(t) == t for t in made)


def test_reimport_without_a_column_leaves_it_alone(
    db: Any, client: Any, world: dict, regulator: Any
) -> None:
    fac = world["fac_a"]
    assert _post(client, regulator, _good(fac.id)).status_code == 201
    text = f"facility_id,kind,operator_ref,substance\n{fac.id},tank,IMP-1,diesel\n"
    assert _post(client, regulator, text).get_json()["updated"] == 1
    db.session.expire_all()
    tank = db.session.scalar(select(Tank).where(Tank.operator_ref == "IMP-1"))
    assert tank.substance == "diesel"
    assert tank.capacity_litres == 30000 and tank.leak_detection == ["interstitial", "atg"]


def test_report_in_chinese(client: Any, world: dict, regulator: Any) -> None:
    headers = dict(regulator, **{"Accept-Language": "zh-CN,zh;q=0.9"})
    resp = _post(client, headers, "facility_id,kind,operator_ref,substance,colour\n")
    messages = {e["message"] for e in resp.get_json()["errors"]}
    assert "未知的列。" in messages


def test_an_export_imports_back_unchanged(
    db: Any, client: Any, world: dict, regulator: Any
) -> None:
    exported = client.get("/exports/assets.csv", headers=regulator)
    assert exported.status_code == 200
    total = db.session.scalar(select(func.count()).select_from(Asset))
    resp = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(exported.get_data()), "assets.csv")},
        headers=regulator,
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"imported": total, "created": 0, "updated": total}
    assert db.session.scalar(select(func.count()).select_from(Asset)) == total
    changes = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "asset")
    ).all()
    assert [c.changes for c in changes] == []


def test_lines_are_counted_in_the_file(client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"].id
    text = (
        "facility_id,kind,operator_ref,substance,substance_detail\n"
        f'{fac},tank,L-1,diesel,"two\nlines"\n'
        "\n"
        f"{fac},tank,L-2,water,\n"
    )
    errors = _post(client, regulator, text).get_json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(5, "substance")]


def test_facility_by_name(db: Any, client: Any, world: dict, regulator: Any) -> None:
    text = (
        "facility_name,kind,operator_ref,substance\n"
        "甲加油站,tank,N-1,diesel\n"
        "无此站,tank,N-2,diesel\n"
    )
    errors = _post(client, regulator, text).get_json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "facility_name")]
    resp = _post(client, regulator, text.rsplit("无此站", 1)[0])
    assert resp.status_code == 201
    tank = db.session.scalar(select(Tank).where(Tank.operator_ref == "N-1"))
    assert tank.facility_id == world["fac_a"].id


def test_row_and_size_limits(app: Any, client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"].id
    text = "facility_id,kind,operator_ref,substance\n" + "".join(
        f"{fac},tank,S-{i},diesel\n" for i in range(6)
    )
    old = app.config["IMPORT_MAX_ROWS"]
    app.config["IMPORT_MAX_ROWS"] = 5
    try:
        resp = _post(client, regulator, text)
    finally:
        app.config["IMPORT_MAX_ROWS"] = old
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["column"] == "file"
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    resp = client.post(
        "/api/v1/imports", data={"file": (io.BytesIO(big), "big.csv")}, headers=regulator
    )
    assert resp.status_code == 413


def test_repeated_values_are_checked_on_every_row(client: Any, world: dict, regulator: Any) -> None:
    fac = world["fac_a"].id
    text = "facility_id,kind,operator_ref,substance,installed_on,leak_detection\n" + "".join(
        f"{fac},tank,R-{i},petrol,2999-01-01,atg;atg\n" for i in range(3)
    )
    errors = _post(client, regulator, text).get_json()["errors"]
    found = sorted((e["row"], e["column"]) for e in errors)
    assert found == [(row, c) for row in (2, 3, 4) for c in ("installed_on", "substance")], found
    twice = text.replace("petrol,2999-01-01", "diesel,2001-01-01")
    errors = _post(client, regulator, twice).get_json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(r, "leak_detection") for r in (2, 3, 4)]


def test_semicolon_csv_and_read_only_columns(
    db: Any, client: Any, world: dict, regulator: Any
) -> None:
    fac = world["fac_a"].id
    text = f"id;version;facility_id;kind;operator_ref;substance\n;3;{fac};tank;SC-1;diesel\n"
    resp = _post(client, regulator, text)
    assert resp.status_code == 201, resp.get_json()
    assert db.session.scalar(select(Tank).where(Tank.operator_ref == "SC-1")) is not None


def test_choice_labels_in_chinese_or_english(
    db: Any, client: Any, world: dict, regulator: Any
) -> None:
    fac = world["fac_a"].id
    text = (
        "facility_id,kind,operator_ref,substance,wall,leak_detection\n"
        f"{fac},储罐,CN-1,柴油,双层,夹层空间监测；Automatic tank gauge\n"
        f"{fac},Pipeline,CN-2,Diesel,double-walled,\n"
    )
    from registry.exports.imports import choice_codes

    codes = choice_codes()
    assert codes["kind"]["储罐"] == "tank"
    resp = _post(client, regulator, text)
    assert resp.status_code == 201, resp.get_json()
    tank = db.session.scalar(select(Tank).where(Tank.operator_ref == "CN-1"))
    assert (tank.substance, tank.wall) == ("diesel", "double")
    assert tank.leak_detection == ["interstitial", "atg"]


def test_neutralised_cells_import_as_their_value(
    db: Any, client: Any, world: dict, regulator: Any
) -> None:
    fac = world["fac_a"].id
    text = f"facility_id,kind,operator_ref,substance\n{fac},tank,'=A1,diesel\n"
    assert _post(client, regulator, text).status_code == 201
    assert db.session.scalar(select(Tank).where(Tank.operator_ref == "=A1")) is not None


def test_the_collector_runs_again_after_an_import(client: Any, world: dict, regulator: Any) -> None:
    import gc

    assert gc.isenabled()
    _post(client, regulator, "facility_id,kind,operator_ref,substance\n1,boat,X,diesel\n")
    assert gc.isenabled()
    assert _post(client, regulator, _good(world["fac_a"].id)).status_code == 201
    assert gc.isenabled()


def test_an_import_racing_another_keeps_nothing(
    db: Any, client: Any, world: dict, regulator: Any, monkeypatch: Any
) -> None:
    """Two imports of the same new rows at once: the one that loses inserts nothing, and says
    so; sent again it matches the winner's rows."""
    from registry.exports import imports

    fac = world["fac_a"]
    assert _post(client, regulator, _good(fac.id)).status_code == 201
    count = _count(db, fac)
    # The loser validated before the winner committed: it saw none of the rows as existing.
    monkeypatch.setattr(imports, "_match_existing", lambda rows, report: None)
    resp = _post(client, regulator, _good(fac.id))
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["column"] == "operator_ref"
    assert _count(db, fac) == count
    monkeypatch.undo()
    again = _post(client, regulator, _good(fac.id))
    assert again.status_code == 201 and again.get_json()["created"] == 0
