"""Tank and pipeline pages: rejected forms keep the input; register, edit, close; conflicts."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.models import AuditEvent
from tests.forms import field_errors
from tests.forms import option_labels
from tests.forms import submitted


def _counts(db: Any) -> tuple[int, int]:
    db.session.expire_all()
    return (
        int(db.session.scalar(select(func.count()).select_from(Asset))),
        int(db.session.scalar(select(func.count()).select_from(AuditEvent))),
    )


def test_rejected_tank_form_keeps_every_value_and_writes_nothing(
    client: Any, login_as: Any, make_facility: Any, db: Any
) -> None:
    facility = make_facility()
    login_as("operator", organization=facility.organization, locale="en")
    before = _counts(db)
    future = (date.today() + timedelta(days=30)).isoformat()
    typed = {
        "kind": "tank",
        "operator_ref": "T9",
        "substance": "petrol",  # not a code
        "substance_detail": "92#",
        "status": "in_service",
        "installed_on": future,
        "closed_on": "",
        "wall": "single",
        "material": "steel",
        "corrosion_protection": "coated",
        "anti_seepage": "seepage_pit",
        "leak_detection": ["atg", "observation_pipe"],
        "leak_detection__present": "1",
        "capacity_litres": "-5",
        "compartments": "2",
        "spill_containment": "on",
        "spill_containment__present": "1",
        "overfill_prevention__present": "1",
    }
    resp = client.post(f"/assets/new?facility_id={facility.id}&kind=tank", data=typed)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    kept = submitted(html)
    for key, value in typed.items():
        if key in ("substance", "closed_on"):
            continue
        assert kept.get(key) == value, key
    assert "overfill_prevention" not in kept  # left unticked stays unticked
    assert "substance" not in kept  # an unknown code cannot be selected; the message says so
    errors = field_errors(html)
    assert set(errors) == {"substance", "installed_on", "capacity_litres"}
    assert "future" in errors["installed_on"] and "greater than zero" in errors["capacity_litres"]
    assert _counts(db) == before


def test_closing_before_installation_is_refused_at_the_field(
    client: Any, login_as: Any, make_facility: Any, db: Any
) -> None:
    facility = make_facility()
    login_as("operator", organization=facility.organization, locale="zh")
    before = _counts(db)
    resp = client.post(
        f"/assets/new?facility_id={facility.id}&kind=pipeline",
        data={
            "substance": "diesel",
            "status": "permanently_closed",
            "installed_on": "2015-06-01",
            "closed_on": "2014-01-01",
            "piping_type": "suction",
            "length_m": "0",
            "diameter_mm": "abc",
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    errors = field_errors(html)
    assert errors["closed_on"] == "停用日期早于安装日期。"
    assert errors["length_m"] == "必须大于零。" and errors["diameter_mm"] == "须为数字。"
    kept = submitted(html)
    assert kept["closed_on"] == "2014-01-01" and kept["diameter_mm"] == "abc"
    assert kept["piping_type"] == "suction"
    assert _counts(db) == before


def test_asset_form_shows_translated_choices(
    client: Any, login_as: Any, make_facility: Any
) -> None:
    facility = make_facility()
    login_as("regulator", locale="zh")
    html = client.get(f"/assets/new?facility_id={facility.id}&kind=tank").get_data(as_text=True)
    assert option_labels(html, "substance")["gasoline"] == "汽油"
    assert option_labels(html, "anti_seepage")["seepage_pit"] == "防渗池"
    assert option_labels(html, "wall")["double"] == "双层"
    for name in ("substance", "status", "wall", "material", "corrosion_protection"):
        for code, text in option_labels(html, name).items():
            assert code == "" or code not in text, (name, code, text)
    assert "渗漏检测" in html and "夹层空间监测" in html  # leak detection boxes
    client.post("/language", data={"locale": "en"})
    html_en = client.get(f"/assets/new?facility_id={facility.id}&kind=pipeline").get_data(
        as_text=True
    )
    assert option_labels(html_en, "piping_type")["pressurized"] == "Pressurized"
    assert option_labels(html_en, "substance")["ethanol_blend"] == "Ethanol blend"


def test_operator_registers_edits_and_closes_a_tank(
    client: Any, login_as: Any, make_facility: Any, db: Any
) -> None:
    facility = make_facility()
    login_as("operator", organization=facility.organization)
    resp = client.post(
        f"/assets/new?facility_id={facility.id}&kind=tank",
        data={
            "operator_ref": "T1",
            "substance": "gasoline",
            "status": "in_service",
            "installed_on": "2012-03-04",
            "wall": "single",
            "material": "steel",
            "anti_seepage": "none",
            "corrosion_protection": "none",
            "leak_detection": "manual_gauging",
            "leak_detection__present": "1",
            "capacity_litres": "20000",
            "compartments": "1",
            "spill_containment__present": "1",
            "overfill_prevention__present": "1",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    asset_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    db.session.expire_all()
    tank = db.session.get(Asset, asset_id)
    assert tank.kind == "tank" and tank.capacity_litres == 20000 and tank.facility_id == facility.id
    assert tank.leak_detection == ["manual_gauging"] and tank.installed_on == date(2012, 3, 4)
    assert len(tank.tag) == 12

    form = submitted(client.get(f"/assets/{asset_id}/edit").get_data(as_text=True))
    assert form["capacity_litres"] in ("20000.0", "20000") and form["installed_on"] == "2012-03-04"
    form["leak_detection"] = ["manual_gauging", "atg"]
    form["overfill_prevention"] = "on"
    assert client.post(f"/assets/{asset_id}/edit", data=form).status_code == 302
    db.session.expire_all()
    tank = db.session.get(Asset, asset_id)
    assert tank.leak_detection == ["manual_gauging", "atg"] and tank.overfill_prevention is True

    close = submitted(client.get(f"/assets/{asset_id}/close").get_data(as_text=True))
    assert close["status"] == "permanently_closed"
    close["closed_on"] = "2024-06-30"
    close["closure_method"] = "removed"  # a permanent closure says how it was done
    assert client.post(f"/assets/{asset_id}/close", data=close).status_code == 302
    db.session.expire_all()
    tank = db.session.get(Asset, asset_id)
    assert tank.status == "permanently_closed" and tank.closed_on == date(2024, 6, 30)
    # a closed asset stays in the registry: listed, with its page
    assert client.get(f"/assets/{asset_id}").status_code == 200
    listed = client.get("/assets?status=permanently_closed").get_data(as_text=True)
    assert f'/assets/{asset_id}"' in listed


def test_operator_registers_a_pipeline(
    client: Any, login_as: Any, make_facility: Any, db: Any
) -> None:
    facility = make_facility()
    login_as("operator", organization=facility.organization)
    resp = client.post(
        f"/assets/new?facility_id={facility.id}&kind=pipeline",
        data={
            "substance": "diesel",
            "status": "in_service",
            "piping_type": "pressurized",
            "length_m": "45.5",
            "diameter_mm": "50",
            "line_leak_detector": "on",
            "line_leak_detector__present": "1",
            "from_point": "T3",
            "to_point": "加油机5",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    pipe = db.session.get(Asset, int(resp.headers["Location"].rsplit("/", 1)[1]))
    assert pipe.kind == "pipeline" and pipe.length_m == 45.5 and pipe.line_leak_detector is True
    assert pipe.to_point == "加油机5"


def test_close_refuses_closing_before_installation(
    client: Any, login_as: Any, make_asset: Any, db: Any
) -> None:
    asset = make_asset(installed_on=date(2020, 1, 15))
    login_as("regulator", locale="en")
    form = submitted(client.get(f"/assets/{asset.id}/close").get_data(as_text=True))
    form["closed_on"] = "2019-12-31"
    form["closure_method"] = "closed_in_place"
    resp = client.post(f"/assets/{asset.id}/close", data=form)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "before the installation date" in field_errors(html)["closed_on"]
    assert submitted(html)["closed_on"] == "2019-12-31"
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).status == "in_service"


def test_stale_version_on_asset_edit_answers_409_and_keeps_input(
    client: Any, login_as: Any, make_asset: Any, db: Any
) -> None:
    asset = make_asset(substance_detail="92#")
    login_as("regulator", locale="en")
    form = submitted(client.get(f"/assets/{asset.id}/edit").get_data(as_text=True))
    theirs = dict(form, substance_detail="95#")
    assert client.post(f"/assets/{asset.id}/edit", data=theirs).status_code == 302
    mine = dict(form, substance_detail="98#", operator_ref="MINE")
    resp = client.post(f"/assets/{asset.id}/edit", data=mine)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    kept = submitted(html)
    assert kept["substance_detail"] == "98#" and kept["operator_ref"] == "MINE"
    assert kept["version"] == "2" and "changed by someone else" in html
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).substance_detail == "95#"


def test_fields_of_the_other_kind_are_refused(
    client: Any, login_as: Any, make_asset: Any, db: Any
) -> None:
    tank = make_asset(operator_ref="T-ORIG")
    login_as("regulator", locale="en")
    form = submitted(client.get(f"/assets/{tank.id}/edit").get_data(as_text=True))
    resp = client.post(
        f"/assets/{tank.id}/edit", data=dict(form, length_m="12", operator_ref="T-NEW")
    )
    assert resp.status_code == 422  # the form again (a crafted post: the field is not on it)
    db.session.expire_all()
    assert db.session.get(Asset, tank.id).operator_ref == "T-ORIG"
