"""Working from lists: back to the reminders after recording, and correcting a record."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.compliance.models import ActivityRecord
from registry.extensions import db as _db
from tests.helpers import log_in


def _as(client: Any, world: dict[str, Any], role: str) -> None:
    log_in(client, world["users"][role])


def test_the_reminders_list_sends_the_form_back_to_it(client: Any, world: Any) -> None:
    tank = world["tank_a"]
    _as(client, world, "operator_a")
    listing = "/reminders?as_of=2026-01-01&state=overdue"
    html = client.get(listing).get_data(as_text=True)
    links = [unescape(u) for u in re.findall(r'href="([^"]*/records/new[^"]*)"', html)]
    mine = next(u for u in links if f"/assets/{tank.id}/" in u)
    assert "next=/reminders%3Fas_of%3D2026-01-01%26state%3Doverdue" in mine
    form = client.get(mine).get_data(as_text=True)
    assert 'name="next" value="/reminders?as_of=2026-01-01&amp;state=overdue"' in form
    resp = client.post(
        mine, data={"activity": "patrol", "performed_on": "2025-12-01", "result": "pass"}
    )
    assert resp.status_code == 302 and resp.headers["Location"] == (
        "/reminders?as_of=2026-01-01&state=overdue"
    )


def test_a_next_off_the_site_is_ignored(client: Any, world: Any) -> None:
    tank = world["tank_a"]
    _as(client, world, "operator_a")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        resp = client.post(
            f"/assets/{tank.id}/records/new",
            query_string={"next": evil},
            data={"activity": "patrol", "performed_on": "2025-12-01", "result": "pass"},
        )
        assert resp.status_code == 302
        assert resp.headers["Location"] == f"/assets/{tank.id}", evil


def _edit(client: Any, record: Any, **changes: Any) -> Any:
    body = {
        "activity": record.activity,
        "performed_on": record.performed_on.isoformat(),
        "result": record.result,
        "notes": record.notes or "",
        "version": record.version,
    } | changes
    return client.post(f"/records/{record.id}/edit", data=body)


def test_operator_corrects_a_record_and_the_audit_log_says_so(client: Any, world: Any) -> None:
    record = world["record_b"]
    _as(client, world, "operator_b")
    page = client.get(f"/assets/{world['tank_b'].id}")
    assert f'href="/records/{record.id}/edit?next=/assets/{world["tank_b"].id}"' in page.get_data(
        as_text=True
    )
    form = client.get(f"/records/{record.id}/edit")
    assert form.status_code == 200 and 'value="2020-02-03"' in form.get_data(as_text=True)
    resp = _edit(client, record, result="pass", notes="复核：积水已排")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/assets/{world['tank_b'].id}"
    _db.session.expire_all()
    row = _db.session.get(ActivityRecord, record.id)
    assert row is not None and row.result == "pass" and row.version == 2
    event = _db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "activity_record", AuditEvent.row_id == record.id)
        .where(AuditEvent.action == "update")
    ).one()
    assert event.changes["result"] == ["fail", "pass"]
    assert event.user_id == world["users"]["operator_b"].id


def test_a_stale_version_answers_409_and_keeps_the_input(client: Any, world: Any) -> None:
    record = world["record_b"]
    stale = record.version
    _as(client, world, "regulator")
    assert _edit(client, record, notes="第一次更正").status_code == 302
    resp = _edit(client, record, notes="第二次更正", version=stale)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "第二次更正" in html
    assert f'name="version" value="{stale + 1}"' in html
    _db.session.expire_all()
    assert _db.session.get(ActivityRecord, record.id).notes == "第一次更正"  # type: ignore[union-attr]


def test_a_correction_is_checked_like_a_new_record(client: Any, world: Any) -> None:
    record = world["record_b"]
    _as(client, world, "operator_b")
    resp = _edit(client, record, performed_on="2019-01-01")  # before the tank's installation
    assert resp.status_code == 422
    resp = _edit(client, record, activity="basic_information_report")  # a facility's activity
    assert resp.status_code == 422
    _db.session.expire_all()
    assert _db.session.get(ActivityRecord, record.id).version == 1  # type: ignore[union-attr]


def test_another_organization_does_not_see_the_record(client: Any, world: Any) -> None:
    _as(client, world, "operator_a")
    assert client.get(f"/records/{world['record_b'].id}/edit").status_code == 404
    assert _edit(client, world["record_b"], notes="x").status_code == 404
