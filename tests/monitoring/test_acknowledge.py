"""Acknowledging a monitoring alert with a note: API, form, audit log, what stops counting."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.monitoring.alerts import monitoring_alert_reminders
from registry.monitoring.models import AlertAcknowledgement
from registry.monitoring.models import MonitoringReading

NOTE = "  Resample ordered; the lab reports next week.  "


def _as(client: Any, user: Any) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True


def _api(client: Any, world: dict[str, Any], role: str, alert_id: str, body: Any) -> Any:
    _as(client, world["users"][role])
    return client.post(f"/api/v1/monitoring/alerts/{alert_id}/acknowledge", json=body)


def test_api_acknowledges_with_a_trimmed_note_once(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    alert_id = world["alert_a"].id
    h = api_headers(world["users"]["operator_a"])
    (before,) = client.get("/api/v1/alerts", headers=h).json
    assert (before["id"], before["acknowledged"], before["acknowledgement_note"]) == (
        alert_id,
        False,
        None,
    )
    r = client.post(
        f"/api/v1/monitoring/alerts/{alert_id}/acknowledge", json={"note": NOTE}, headers=h
    )
    assert r.status_code == 200, r.json
    assert r.json["id"] == alert_id and r.json["acknowledged"] is True
    assert r.json["acknowledgement_note"] == NOTE.strip()
    user = world["users"]["operator_a"]
    assert r.json["acknowledged_by"] == (user.name or user.email)
    assert r.json["acknowledged_at"] is not None
    again = client.post(
        f"/api/v1/monitoring/alerts/{alert_id}/acknowledge", json={"note": "again"}, headers=h
    )
    assert again.status_code == 409
    assert client.get("/api/v1/alerts?acknowledged=false", headers=h).json == []
    (shown,) = client.get("/api/v1/alerts?acknowledged=true", headers=h).json
    assert shown["acknowledgement_note"] == NOTE.strip()
    assert len(client.get("/api/v1/alerts", headers=h).json) == 1  # all, as before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"note": ""}, 422),
        ({"note": "   "}, 422),
        ({"note": None}, 422),
        ({"note": "x" * 1001}, 422),
        ({"note": "ok", "by": "someone else"}, 422),
        ({"note": "x" * 1000}, 200),
    ],
)
def test_api_note_is_required_and_limited(
    client: Any, world: dict[str, Any], body: Any, status: int
) -> None:
    r = _api(client, world, "regulator", world["alert_a"].id, body)
    assert r.status_code == status, r.json


@pytest.mark.parametrize(
    ("alert_id", "status"),
    [
        ("exceedance-999999", 404),  # no such reading
        ("rising_trend-{reading}", 404),  # a reading, but not that kind of alert
        ("exceedance-{point_reading}", 404),  # a reading below the screening value
        ("flood-1", 404),
        ("exceedance-01", 404),
        ("exceedance-99999999999999999999999", 404),
    ],
)
def test_api_unknown_alerts_are_404(
    client: Any, world: dict[str, Any], alert_id: str, status: int
) -> None:
    reading = int(world["alert_a"].id.split("-")[1])
    below = db.session.scalar(
        select(MonitoringReading.id).where(MonitoringReading.point_id == world["point_a"].id)
    )
    name = alert_id.format(reading=reading, point_reading=below)
    r = _api(client, world, "regulator", name, {"note": "n"})
    assert r.status_code == status


def test_acknowledgement_is_audit_logged(client: Any, world: dict[str, Any]) -> None:
    r = _api(client, world, "inspector", world["alert_a"].id, {"note": "Seen on site."})
    assert r.status_code == 200
    ack = db.session.scalar(select(AlertAcknowledgement))
    assert ack is not None
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "monitoring_alert_ack", AuditEvent.row_id == ack.id
        )
    )
    assert event is not None and event.action == "create"
    assert event.user_id == world["users"]["inspector"].id
    assert event.changes["note"][1] == "Seen on site."


def _ack_link(html: str) -> str:
    match = re.search(r'href="(/alerts/[a-z_]+-\d+/acknowledge[^"]*)"', html)
    assert match, "no acknowledge link"
    return unescape(match.group(1))


def test_form_acknowledges_and_returns_to_the_list(client: Any, world: dict[str, Any]) -> None:
    alert_id = world["alert_a"].id
    _as(client, world["users"]["operator_a"])
    listed = client.get("/alerts?kind=exceedance", headers={"Accept-Language": "en"})
    html = listed.get_data(as_text=True)
    assert f'data-alert="{alert_id}"' in html and 'data-acknowledged="false"' in html
    link = _ack_link(html)
    form = client.get(link, headers={"Accept-Language": "en"})
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'name="note"' in page
    assert 'name="next" value="/alerts?kind=exceedance"' in page
    # A blank note: refused at the field, nothing stored.
    r = client.post(f"/alerts/{alert_id}/acknowledge", data={"note": "  ", "next": "/alerts"})
    assert r.status_code == 422
    assert 'id="note-error"' in r.get_data(as_text=True)
    assert db.session.scalar(select(AlertAcknowledgement)) is None
    # Another site is no place to return to.
    r = client.post(
        f"/alerts/{alert_id}/acknowledge",
        data={"note": "Resample ordered.", "next": "https://evil.example/"},
    )
    assert r.status_code == 302 and r.headers["Location"] == "/alerts"
    # Open alerts (the default) no longer list it; all alerts show it with its note.
    assert f'data-alert="{alert_id}"' not in client.get("/alerts").get_data(as_text=True)
    every = client.get("/alerts?state=all").get_data(as_text=True)
    assert 'data-acknowledged="true"' in every and "Resample ordered." in every
    # Acknowledged: the page says so and offers no second form.
    again = client.get(f"/alerts/{alert_id}/acknowledge").get_data(as_text=True)
    assert 'name="note"' not in again and "Resample ordered." in again
    assert client.post(f"/alerts/{alert_id}/acknowledge", data={"note": "x"}).status_code == 409


def test_the_form_in_chinese(client: Any, world: dict[str, Any]) -> None:
    _as(client, world["users"]["regulator"])
    html = client.get(
        f"/alerts/{world['alert_a'].id}/acknowledge", headers={"Accept-Language": "zh"}
    ).get_data(as_text=True)
    assert "确认预警" in html and "Acknowledge" not in html


def test_acknowledged_alerts_stop_counting_as_open(client: Any, world: dict[str, Any]) -> None:
    alert_id = world["alert_a"].id
    org = world["org_a"].id
    as_of = date(2026, 3, 1)
    before = list(monitoring_alert_reminders(as_of, organization_id=org))
    assert [i.obligation for i in before] == ["monitoring_exceedance"]
    _as(client, world["users"]["regulator"])
    tile = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'data-count="monitoring_alerts">\s*<span class="num">1<', tile)
    panel = client.get(f"/facilities/{world['fac_a'].id}").get_data(as_text=True)
    assert 'class="bad"' in panel.split('id="monitoring"')[1].split("</section>")[0]
    assert _api(client, world, "regulator", alert_id, {"note": "Handled."}).status_code == 200
    assert list(monitoring_alert_reminders(as_of, organization_id=org)) == []
    tile = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'data-count="monitoring_alerts">\s*<span class="num">0<', tile)
    panel = client.get(f"/facilities/{world['fac_a'].id}").get_data(as_text=True)
    assert 'class="bad"' not in panel.split('id="monitoring"')[1].split("</section>")[0]
    reminders = client.get("/reminders?as_of=2026-03-01").get_data(as_text=True)
    assert "MW-A" not in reminders


def test_a_new_reading_raises_a_new_alert(client: Any, world: dict[str, Any]) -> None:
    from registry.monitoring.services import add_reading
    from registry.monitoring.services import get_point

    alert_id = world["alert_a"].id
    assert _api(client, world, "regulator", alert_id, {"note": "Handled."}).status_code == 200
    reading = db.session.get(MonitoringReading, int(alert_id.split("-")[1]))
    assert reading is not None
    point = get_point(None, reading.point_id)
    add_reading(
        point,
        entered_by=None,
        parameter="benzene",
        value=0.4,
        unit="mg/L",
        sampled_on=date(2026, 2, 6),
    )
    db.session.commit()
    _as(client, world["users"]["regulator"])
    open_alerts = client.get("/api/v1/alerts?acknowledged=false").json
    assert [a["raised_on"] for a in open_alerts] == ["2026-02-06"]


def test_a_race_lost_at_the_insert_is_a_conflict(world: dict[str, Any]) -> None:
    from registry.core.errors import Conflict
    from registry.monitoring.acknowledgements import acknowledge
    from registry.monitoring.acknowledgements import get_alert

    alert = get_alert(world["users"]["regulator"], world["alert_a"].id)
    # Someone else acknowledged it after this request read it as open.
    db.session.add(AlertAcknowledgement(reading_id=alert.reading_id, kind=alert.kind, note="x"))
    db.session.commit()
    with pytest.raises(Conflict):
        acknowledge(alert, note="mine", by=world["users"]["regulator"])
    db.session.rollback()
    assert len(db.session.scalars(select(AlertAcknowledgement)).all()) == 1
