"""Organization and facility pages: rejected forms keep the input, flows, conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.core.creditcode import complete
from registry.sites.models import Facility
from registry.sites.models import Organization
from tests.forms import field_errors
from tests.forms import option_labels
from tests.forms import submitted

GOOD = complete("91110101MA01ABC12")
WRONG_CHECK = GOOD[:-1] + ("1" if GOOD[-1] != "1" else "2")


def _count(db: Any, model: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model)))


def test_rejected_organization_form_keeps_input_and_writes_nothing(
    client: Any, login_as: Any, db: Any
) -> None:
    login_as("regulator", locale="en")
    before = (_count(db, Organization), _count(db, AuditEvent))
    typed = {
        "name": "北京某某加油站有限公司",
        "credit_code": WRONG_CHECK,
        "contact_name": "王五",
        "contact_phone": "call me maybe",
        "contact_email": "not-an-address",
        "address": "北京市东城区某路1号",
    }
    resp = client.post("/organizations/new", data=typed)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    kept = submitted(html)
    for key, value in typed.items():
        assert kept[key] == value, key
    errors = field_errors(html)
    assert set(errors) == {"credit_code", "contact_phone", "contact_email"}
    assert "GB 32100" in errors["credit_code"]
    assert (_count(db, Organization), _count(db, AuditEvent)) == before


def test_regulator_registers_and_edits_an_organization(client: Any, login_as: Any, db: Any) -> None:
    login_as("regulator")
    code = complete("91110101MA0TEXT01")
    resp = client.post(
        "/organizations/new",
        data={"name": "北京测试能源有限公司", "credit_code": code.lower(), "address": "东城区"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    assert org is not None and org.name == "北京测试能源有限公司"  # code normalised to upper
    form = submitted(client.get(f"/organizations/{org.id}/edit").get_data(as_text=True))
    assert form["credit_code"] == code and form["version"] == "1"
    form["contact_name"] = "赵六"
    assert client.post(f"/organizations/{org.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).contact_name == "赵六"


def test_duplicate_credit_code_is_refused_at_the_field(
    client: Any, login_as: Any, make_org: Any, db: Any
) -> None:
    org = make_org()
    login_as("regulator", locale="en")
    before = _count(db, Organization)
    resp = client.post(
        "/organizations/new", data={"name": "另一家", "credit_code": org.credit_code}
    )
    assert resp.status_code == 422
    assert "already registered" in field_errors(resp.get_data(as_text=True))["credit_code"]
    assert _count(db, Organization) == before


def test_rejected_facility_form_keeps_input_and_writes_nothing(
    client: Any, login_as: Any, make_org: Any, db: Any
) -> None:
    org = make_org()
    login_as("operator", organization=org, locale="en")
    before = (_count(db, Facility), _count(db, AuditEvent))
    typed = {
        "name": "新建加油站",
        "kind": "spaceport",
        "status": "active",
        "address": "东城区某路",
        "subdistrict": "和平里街道",
        "latitude": "95.5",
        "longitude": "-181",
        "key_supervised": "on",
        "key_supervised__present": "1",
    }
    resp = client.post("/facilities/new", data=typed)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    kept = submitted(html)
    for key in ("name", "address", "subdistrict", "latitude", "longitude", "key_supervised"):
        assert kept[key] == typed[key], key
    assert kept["status"] == "active"
    errors = field_errors(html)
    assert set(errors) == {"kind", "latitude", "longitude"}
    assert "Must be one of" in errors["kind"]
    assert (_count(db, Facility), _count(db, AuditEvent)) == before


def test_facility_form_shows_translated_choices(client: Any, login_as: Any) -> None:
    login_as("regulator", locale="zh")
    html = client.get("/facilities/new").get_data(as_text=True)
    labels = option_labels(html, "kind")
    assert labels["gas_station"] == "加油站" and labels["oil_depot"] == "油库"
    assert labels["key_supervised_unit"] == "土壤污染重点监管单位"
    assert all(code not in text for code, text in labels.items() if code)


def test_operator_registers_edits_and_closes_a_facility(
    client: Any, login_as: Any, make_org: Any, db: Any
) -> None:
    org, other = make_org(), make_org()
    login_as("operator", organization=org)
    resp = client.post(
        "/facilities/new",
        data={
            "organization_id": str(other.id),  # ignored: an operator registers for their own
            "name": "和平里加油站",
            "kind": "gas_station",
            "status": "active",
            "subdistrict": "和平里街道",
            "latitude": "39.95",
            "longitude": "116.42",
        },
    )
    assert resp.status_code == 302
    facility_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    db.session.expire_all()
    facility = db.session.get(Facility, facility_id)
    assert facility.organization_id == org.id and facility.latitude == 39.95
    form = submitted(client.get(f"/facilities/{facility_id}/edit").get_data(as_text=True))
    assert form["name"] == "和平里加油站" and form["kind"] == "gas_station"
    form["status"] = "closed"
    assert client.post(f"/facilities/{facility_id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Facility, facility_id).status == "closed"
    assert "和平里加油站" in client.get("/facilities?status=closed").get_data(as_text=True)


def test_stale_version_on_facility_edit_answers_409_and_keeps_input(
    client: Any, login_as: Any, make_facility: Any, db: Any
) -> None:
    facility = make_facility(name="旧名字")
    login_as("regulator", locale="en")
    form = submitted(client.get(f"/facilities/{facility.id}/edit").get_data(as_text=True))
    # someone else saves first
    other = dict(form, address="别人改的地址")
    assert client.post(f"/facilities/{facility.id}/edit", data=other).status_code == 302
    mine = dict(form, name="我的新名字")
    resp = client.post(f"/facilities/{facility.id}/edit", data=mine)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    kept = submitted(html)
    assert kept["name"] == "我的新名字" and kept["version"] == "2"
    assert "changed by someone else" in html
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).name == "旧名字"
    # sending again with the fresh version saves
    assert client.post(f"/facilities/{facility.id}/edit", data=kept).status_code == 302


def test_stale_version_on_organization_edit_answers_409(
    client: Any, login_as: Any, make_org: Any, db: Any
) -> None:
    org = make_org(name="原名称")
    login_as("regulator")
    form = submitted(client.get(f"/organizations/{org.id}/edit").get_data(as_text=True))
    changed = dict(form, contact_name="别人")
    assert client.post(f"/organizations/{org.id}/edit", data=changed).status_code == 302
    resp = client.post(f"/organizations/{org.id}/edit", data=dict(form, name="我的名字"))
    assert resp.status_code == 409
    kept = submitted(resp.get_data(as_text=True))
    assert kept["name"] == "我的名字" and kept["version"] == "2"
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "原名称"


def test_facility_outside_the_district_is_refused_at_the_coordinates(
    client: Any, login_as: Any, make_org: Any, make_facility: Any, db: Any
) -> None:
    # DISTRICT_BOUNDS defaults to 39.85,116.37,39.98,116.45 (Dongcheng)
    org = make_org()
    login_as("operator", organization=org, locale="en")
    before = (_count(db, Facility), _count(db, AuditEvent))
    typed = {
        "name": "错位加油站",
        "kind": "gas_station",
        "status": "active",
        "latitude": "39.59",  # digits swapped: in Hebei, not Dongcheng
        "longitude": "116.24",
    }
    resp = client.post("/facilities/new", data=typed)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    errors = field_errors(html)
    assert set(errors) == {"latitude", "longitude"}
    assert "latitude must lie between 39.85 and 39.98" in errors["latitude"]
    assert "longitude must lie between 116.37 and 116.45" in errors["longitude"]
    assert submitted(html)["latitude"] == "39.59"
    assert "Facility registered" not in html
    assert (_count(db, Facility), _count(db, AuditEvent)) == before
    # the edit form refuses a single coordinate gone astray
    facility = make_facility(org)
    form = submitted(client.get(f"/facilities/{facility.id}/edit").get_data(as_text=True))
    form["latitude"] = "40.5"
    resp = client.post(f"/facilities/{facility.id}/edit", data=form)
    assert resp.status_code == 422
    assert set(field_errors(resp.get_data(as_text=True))) == {"latitude"}
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).latitude == 39.94


def test_facility_outside_the_district_is_refused_on_the_api(
    client: Any, make_user: Any, make_org: Any, make_facility: Any, api_headers: Any, db: Any
) -> None:
    org = make_org()
    headers = api_headers(make_user("operator", organization=org, locale="en"))
    body = {"name": "远郊站", "kind": "gas_station", "latitude": 39.95, "longitude": 117.2}
    resp = client.post("/api/v1/facilities", json=body, headers=headers)
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]["json"]) == {"longitude"}
    assert (
        client.post(
            "/api/v1/facilities", json=body | {"longitude": 116.42}, headers=headers
        ).status_code
        == 201
    )
    facility = make_facility(org)
    resp = client.patch(
        f"/api/v1/facilities/{facility.id}",
        json={"version": facility.version, "latitude": 0, "longitude": 0},
        headers=headers,
    )
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]["json"]) == {"latitude", "longitude"}
    zh = api_headers(make_user("operator", organization=org, locale="zh"))
    resp = client.post("/api/v1/facilities", json=body, headers=zh)
    assert resp.status_code == 422
    assert "经度应在 116.37 至 116.45 之间" in resp.get_json()["errors"]["json"]["longitude"][0]


def test_coordinates_read_from_a_chinese_map_are_stored_in_wgs84(
    client: Any, login_as: Any, make_org: Any, db: Any
) -> None:
    from registry.sites import coords

    login_as("operator", organization=make_org(), locale="zh")
    html = client.get("/facilities/new").get_data(as_text=True)
    assert set(option_labels(html, "coordinate_system")) == {"wgs84", "gcj02", "bd09"}
    gcj = (116.41, 39.95)  # as Amap shows the point
    resp = client.post(
        "/facilities/new",
        data={
            "name": "高德坐标加油站",
            "kind": "gas_station",
            "status": "active",
            "coordinate_system": "gcj02",
            "latitude": str(gcj[1]),
            "longitude": str(gcj[0]),
        },
    )
    assert resp.status_code == 302
    facility = db.session.get(Facility, int(resp.headers["Location"].rsplit("/", 1)[1]))
    lon, lat = coords.to_wgs84(*gcj, "gcj02")
    assert (facility.longitude, facility.latitude) == (round(lon, 7), round(lat, 7))
    assert coords.from_wgs84(facility.longitude, facility.latitude, "gcj02") == pytest.approx(
        gcj, abs=1e-6
    )
    # A WGS-84 point is kept as typed (the picker's default).
    form = submitted(client.get(f"/facilities/{facility.id}/edit").get_data(as_text=True))
    assert form["coordinate_system"] == "wgs84"
