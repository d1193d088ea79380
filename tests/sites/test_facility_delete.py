"""Deleting a facility registered by mistake: ask first, audit-log it, refuse with history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.compliance.models import ActivityRecord
from registry.extensions import db as _db
from registry.sites.models import Facility
from tests.helpers import log_in


def _as(client: Any, world: dict[str, Any], role: str) -> None:
    log_in(client, world["users"][role])


def test_an_empty_facility_is_deleted_after_a_confirmation(
    client: Any, world: Any, make_facility: Any
) -> None:
    mistake = make_facility(world["org_a"], name="误登记的加油站")
    mistake_id = mistake.id
    _as(client, world, "operator_a")
    detail = client.get(f"/facilities/{mistake.id}").get_data(as_text=True)
    assert f'href="/facilities/{mistake.id}/delete"' in detail
    ask = client.get(f"/facilities/{mistake.id}/delete")
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and 'data-page="confirm"' in html and "误登记的加油站" in html
    assert _db.session.get(Facility, mistake.id) is not None  # asking deletes nothing
    resp = client.post(f"/facilities/{mistake.id}/delete")
    assert resp.status_code == 302 and resp.headers["Location"] == "/facilities"
    _db.session.expire_all()
    assert _db.session.get(Facility, mistake_id) is None
    event = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "facility",
            AuditEvent.row_id == mistake_id,
            AuditEvent.action == "delete",
        )
    ).one()
    assert event.user_id == world["users"]["operator_a"].id


def test_a_facility_with_history_is_refused_with_409(
    client: Any, world: Any, make_facility: Any
) -> None:
    _as(client, world, "regulator")
    fac = world["fac_a"]  # has tanks and pipelines
    assert "/delete" not in client.get(f"/facilities/{fac.id}").get_data(as_text=True)
    for method in ("GET", "POST"):
        resp = client.open(f"/facilities/{fac.id}/delete", method=method)
        assert resp.status_code == 409 and "不能删除" in resp.get_data(as_text=True), method
    # A facility-wide record alone is history too.
    other = make_facility(world["org_a"], name="只有记录的站")
    _db.session.add(
        ActivityRecord(
            facility_id=other.id,
            activity="basic_information_report",
            performed_on=date(2025, 6, 1),
            result="pass",
        )
    )
    _db.session.commit()
    resp = client.post(f"/facilities/{other.id}/delete", headers={"Accept-Language": "en"})
    assert resp.status_code == 409 and "cannot be deleted" in resp.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Facility, other.id) is not None


def test_others_may_not_delete(client: Any, world: Any, make_facility: Any) -> None:
    mistake = make_facility(world["org_a"], name="误登记的加油站")
    for role, status in (("operator_b", 404), ("inspector", 403), ("viewer", 403)):
        _as(client, world, role)
        assert client.post(f"/facilities/{mistake.id}/delete").status_code == status, role
    _db.session.expire_all()
    assert _db.session.get(Facility, mistake.id) is not None
