"""Onboarding existing tanks: `no_record` within ONBOARDING_DAYS, `last_done` on create."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.compliance import engine
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import load_pack
from registry.core.dates import today
from registry.extensions import db as _db
from tests.forms import field_errors

D = date.fromisoformat
PACK = "cn-beijing"
OLD = {"installed_on": D("2015-03-01")}


def _items(asset: Any, as_of: date, **kw: Any) -> dict[str, Any]:
    items = engine.compute(
        load_pack(PACK),
        as_of=as_of,
        window_days=14,
        horizon_days=365 * 100,
        scope=engine.Scope(asset_id=asset.id),
        **kw,
    )
    return {i.obligation: i for i in items}


def test_an_old_tank_registered_lately_waits_for_its_last_dates(
    make_asset: Any, registered: Any
) -> None:
    tank = make_asset(**OLD)
    registered(tank, "2026-03-01")
    items = _items(tank, D("2026-03-10"))
    for code in ("patrol", "interstitial_monitoring_check"):
        item = items[code]
        assert (item.state, item.days_overdue) == ("no_record", 0), code
        assert item.due_on == D("2026-03-31")  # the day it turns overdue (30 days)
        assert item.last_done_on is None
    # The last day of the grace, then overdue as before (by years, counted from 2015).
    assert _items(tank, D("2026-03-30"))["patrol"].state == "no_record"
    after = _items(tank, D("2026-03-31"))["patrol"]
    assert after.state == "overdue" and after.days_overdue > 365 * 10


def test_an_as_of_before_registration_and_a_failed_record_compute_as_before(
    make_asset: Any, registered: Any, record: Any
) -> None:
    tank = make_asset(**OLD)
    registered(tank, "2026-03-01")
    assert _items(tank, D("2026-02-27"))["patrol"].state == "overdue"
    record(tank, "patrol", "2026-03-02", result="fail")
    items = _items(tank, D("2026-03-10"))
    assert items["patrol"].state == "overdue"  # something was recorded: no grace
    assert items["interstitial_monitoring_check"].state == "no_record"


def test_a_tank_due_after_its_registration_is_not_waiting(make_asset: Any, registered: Any) -> None:
    # Installed 2026-02-10: first patrol due 2026-03-12, after the registration (03-01).
    tank = make_asset(installed_on=D("2026-02-10"))
    registered(tank, "2026-03-01")
    item = _items(tank, D("2026-03-20"))["patrol"]
    assert (item.state, item.due_on) == ("overdue", D("2026-03-12"))


def test_no_grace_with_onboarding_days_zero(make_asset: Any, registered: Any) -> None:
    tank = make_asset(**OLD)
    registered(tank, "2026-03-01")
    assert _items(tank, D("2026-03-10"), onboarding_days=0)["patrol"].state == "overdue"


def test_an_obligation_due_on_the_registration_day_is_not_waiting(
    make_facility: Any, make_asset: Any, registered: Any
) -> None:
    fac = make_facility(key_supervised=True)
    make_asset(fac, **OLD)
    registered(fac, "2026-03-01")
    items = engine.compute(
        load_pack(PACK),
        as_of=D("2026-03-05"),
        window_days=14,
        scope=engine.Scope(facility_id=fac.id),
    )
    states = {i.obligation: (i.state, i.due_on) for i in items if i.asset_id is None}
    # Facility obligations count from the facility's registration: never due before it.
    assert states["basic_information_report"] == ("overdue", D("2026-03-01"))


def _body(fac: Any, **extra: Any) -> dict[str, Any]:
    return {
        "facility_id": fac.id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 20000,
        "installed_on": "2015-03-01",
        "wall": "double",
        "leak_detection": ["interstitial"],
        **extra,
    }


def test_api_create_with_last_done_counts_from_those_dates(
    app: Any, client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    with app.app_context():
        day = today()
    patrolled = (day - timedelta(days=10)).isoformat()
    body = _body(world["fac_a"], last_done={"patrol": patrolled})
    r = client.post("/api/v1/assets", json=body, headers=h)
    assert r.status_code == 201, r.json
    asset_id = r.json["id"]
    assert "last_done" not in r.json
    r = client.get(f"/api/v1/reminders?as_of={day.isoformat()}", headers=h)
    assert r.status_code == 200
    mine = {i["obligation"]: i for i in r.json if i["asset_id"] == asset_id}
    assert "patrol" not in mine  # due 20 days from now: ok, not listed
    waiting = mine["interstitial_monitoring_check"]
    assert waiting["state"] == "no_record" and waiting["days_overdue"] == 0
    assert waiting["due_on"] == (day + timedelta(days=30)).isoformat()
    records = client.get(f"/api/v1/assets/{asset_id}/records", headers=h).json
    assert [(x["activity"], x["performed_on"], x["result"]) for x in records] == [
        ("patrol", patrolled, "pass")
    ]
    logged = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "activity_record",
            AuditEvent.row_id.in_([x["id"] for x in records]),
        )
    ).all()
    assert [(e.action, e.changes["activity"][1]) for e in logged] == [("create", "patrol")]
    assert logged[0].user_id == world["users"]["operator_a"].id


def test_api_refuses_bad_last_dates_per_activity(
    app: Any, client: Any, world: dict[str, Any], api_headers: Any, db: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    with app.app_context():
        tomorrow = (today() + timedelta(days=1)).isoformat()
    r = client.post(
        "/api/v1/assets", json=_body(world["fac_a"], last_done={"patrol": tomorrow}), headers=h
    )
    assert r.status_code == 422
    assert set(r.json["errors"]["json"]["last_done"]["patrol"]) == {"value"}
    for last_done, message in (
        ({"no_such": "2020-01-01"}, "Unknown activity."),
        ({"observation_pipe_check": "2020-01-01"}, "This activity does not apply"),
        ({"patrol": "2014-12-31"}, "before the installation date"),
    ):
        r = client.post(
            "/api/v1/assets",
            json=_body(world["fac_a"], last_done=last_done),
            headers={**h, "Accept-Language": "en"},
        )
        assert r.status_code == 422, last_done
        (code,) = last_done
        assert message in r.json["errors"]["last_done"][code][0]
    # Nothing recorded at organization A's facility (the world's own record is at B's).
    assert (
        db.session.scalar(
            select(ActivityRecord.id).where(ActivityRecord.facility_id == world["fac_a"].id)
        )
        is None
    )


def test_the_form_asks_for_last_dates_and_records_them(
    client: Any, login_as: Any, make_facility: Any, db: Any
) -> None:
    facility = make_facility()
    login_as("operator", organization=facility.organization, locale="en")
    url = f"/assets/new?facility_id={facility.id}&kind=tank"
    html = client.get(url).get_data(as_text=True)
    assert 'name="last_done.patrol"' in html and "Last done (optional)" in html
    form = {
        "substance": "gasoline",
        "status": "in_service",
        "installed_on": "2015-03-01",
        "wall": "double",
        "leak_detection": ["interstitial"],
        "leak_detection__present": "1",
        "last_done.patrol": "2015-02-01",
        "last_done.interstitial_monitoring_check": "",
    }
    resp = client.post(url, data=form)
    assert resp.status_code == 422
    assert (
        "before the installation" in field_errors(resp.get_data(as_text=True))["last_done.patrol"]
    )
    resp = client.post(url, data={**form, "last_done.patrol": "2020-05-06"})
    assert resp.status_code == 302
    rows = db.session.execute(select(ActivityRecord.activity, ActivityRecord.performed_on)).all()
    assert rows == [("patrol", D("2020-05-06"))]


def test_reminders_and_overview_count_no_record_apart(
    client: Any, world: dict[str, Any], make_asset: Any, login_as: Any, registered: Any
) -> None:
    tank = make_asset(world["fac_a"], **OLD)
    registered(tank, "2026-03-01")
    login_as("regulator", locale="en")
    html = client.get("/reminders/overview?as_of=2026-03-10").get_data(as_text=True)
    assert "Last date not recorded" in html
    # The new tank's patrol, interstitial and leak detection checks, apart from the overdue.
    assert "Last date not recorded (newly registered): 3." in html
    assert (
        '<td data-count="overdue">7</td><td data-count="due_soon">0</td>'
        '<td data-count="no_record">3</td>' in html
    )
    html = client.get(f"/reminders?as_of=2026-03-10&organization_id={world['org_a'].id}")
    text = html.get_data(as_text=True)
    assert text.count('data-state="no_record"') == 3


def test_rule_pack_api_in_the_readers_language(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["viewer"])
    r = client.get("/api/v1/rule-pack", headers={**h, "Accept-Language": "en"})
    assert r.status_code == 200
    doc = r.json
    assert doc["code"] == PACK and set(doc) == {
        "code", "title", "activities", "obligations", "event_obligations"
    }  # fmt: skip
    assert {"code": "patrol", "title": "Patrol"} in doc["activities"]
    patrol = next(o for o in doc["obligations"] if o["code"] == "patrol")
    assert patrol["scope"] == "asset" and patrol["interval"] == "P30D"
    assert patrol["satisfied_by"] == ["patrol"] and patrol["citation"]
    events = {e["code"]: e for e in doc["event_obligations"]}
    plan = events["dismantling_pollution_plan"]
    assert plan["on"] == "status:permanently_closed" and plan["due"] == -21
    assert plan["due_unit"] == "days" and plan["satisfied_by"] == ["dismantling_plan_filing"]
    assert plan["citation"] and plan["assumed"] is True
    zh = client.get("/api/v1/rule-pack", headers={**h, "Accept-Language": "zh"}).json
    assert {"code": "patrol", "title": "巡检"} in zh["activities"]
