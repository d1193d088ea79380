"""The audit log: every change of organizations, facilities and assets, from web and API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.models import AuditEvent
from registry.audit.services import AppendOnlyError
from registry.audit.services import acting_as
from registry.core.creditcode import complete
from registry.core.types import utcnow
from tests.forms import submitted


def _events(db: Any, entity: str, row_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.row_id == row_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(stmt))


def _recent(event: AuditEvent) -> bool:
    return utcnow() - timedelta(minutes=1) < event.at <= utcnow() + timedelta(seconds=1)


def test_web_changes_are_logged_with_who_when_and_values(
    client: Any, login_as: Any, db: Any
) -> None:
    regulator = login_as("regulator")
    code = complete("91110101MA0AUDT01")
    r = client.post("/organizations/new", data={"name": "审计测试公司", "credit_code": code})
    org_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = client.post(
        "/facilities/new",
        data={
            "organization_id": org_id,
            "name": "审计站",
            "kind": "gas_station",
            "status": "active",
        },
    )
    facility_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = client.post(
        f"/assets/new?facility_id={facility_id}&kind=tank",
        data={"substance": "diesel", "status": "in_service", "capacity_litres": "20000"},
    )
    asset_id = int(r.headers["Location"].rsplit("/", 1)[1])
    form = submitted(client.get(f"/assets/{asset_id}/edit").get_data(as_text=True))
    assert (
        client.post(f"/assets/{asset_id}/edit", data=dict(form, substance="gasoline")).status_code
        == 302
    )
    form = submitted(client.get(f"/facilities/{facility_id}/edit").get_data(as_text=True))
    assert (
        client.post(f"/facilities/{facility_id}/edit", data=dict(form, name="审计站二")).status_code
        == 302
    )

    (org_created,) = _events(db, "organization", org_id)
    assert org_created.action == "create" and org_created.changes["credit_code"] == [None, code]
    fac = _events(db, "facility", facility_id)
    assert [e.action for e in fac] == ["create", "update"]
    assert fac[1].changes == {"name": ["审计站", "审计站二"]}
    asset = _events(db, "asset", asset_id)
    assert [e.action for e in asset] == ["create", "update"]
    assert asset[0].changes["capacity_litres"] == [None, 20000.0]
    assert asset[0].changes["tag"][1] and asset[0].changes["kind"] == [None, "tank"]
    # A change of substance is dated: event obligations count from that day.
    assert asset[1].changes.keys() == {"substance", "substance_changed_on"}
    assert asset[1].changes["substance"] == ["diesel", "gasoline"]
    for event in [org_created, *fac, *asset]:
        assert event.user_id == regulator.id and event.actor == regulator.email
        assert _recent(event)


def test_api_changes_are_logged(
    client: Any, world: dict[str, Any], api_headers: Any, db: Any
) -> None:
    user = world["users"]["operator_a"]
    h = api_headers(user)
    r = client.post("/api/v1/facilities", json={"name": "接口站", "kind": "gas_station"}, headers=h)
    facility_id = r.json["id"]
    r = client.patch(
        f"/api/v1/facilities/{facility_id}",
        json={"version": 1, "latitude": 39.9, "key_supervised": True},
        headers=h,
    )
    assert r.status_code == 200
    r = client.post(
        "/api/v1/assets",
        json={
            "facility_id": facility_id,
            "kind": "pipeline",
            "substance": "diesel",
            "length_m": 12,
        },
        headers=h,
    )
    asset_id = r.json["id"]
    client.patch(
        f"/api/v1/assets/{asset_id}", json={"version": 1, "leak_detection": ["sir"]}, headers=h
    )
    reg = api_headers(world["users"]["regulator"])
    org = world["org_a"]
    client.patch(
        f"/api/v1/organizations/{org.id}",
        json={"version": org.version, "contact_phone": "010-12345678"},
        headers=reg,
    )
    fac = _events(db, "facility", facility_id)
    assert [e.action for e in fac] == ["create", "update"]
    assert fac[1].changes == {"latitude": [None, 39.9], "key_supervised": [False, True]}
    assert all(e.user_id == user.id for e in fac)
    asset = _events(db, "asset", asset_id)
    assert asset[1].changes == {"leak_detection": [[], ["sir"]]}
    (org_update,) = [e for e in _events(db, "organization", org.id) if e.action == "update"]
    assert org_update.changes == {"contact_phone": [None, "010-12345678"]}
    assert org_update.user_id == world["users"]["regulator"].id


def test_refused_changes_leave_no_event(
    client: Any, world: dict[str, Any], api_headers: Any, db: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    tank = world["tank_a"]
    before = len(_events(db, "asset", tank.id))
    client.patch(f"/api/v1/assets/{tank.id}", json={"version": 99, "operator_ref": "X"}, headers=h)
    client.patch(f"/api/v1/assets/{tank.id}", json={"version": 1, "capacity_litres": -1}, headers=h)
    assert len(_events(db, "asset", tank.id)) == before


def test_deletes_and_cli_changes_are_logged(make_asset: Any, db: Any) -> None:
    asset = make_asset(operator_ref="DEL-1")
    asset_id = asset.id
    with acting_as("cli"):
        db.session.delete(asset)
        db.session.commit()
    last = _events(db, "asset", asset_id)[-1]
    assert last.action == "delete" and last.actor == "cli" and last.user_id is None
    assert last.changes["operator_ref"] == ["DEL-1", None]


def test_history_shows_on_pages(client: Any, login_as: Any, world: dict[str, Any], db: Any) -> None:
    regulator = login_as("regulator", locale="en")
    tank = world["tank_a"]
    form = submitted(client.get(f"/assets/{tank.id}/edit").get_data(as_text=True))
    client.post(f"/assets/{tank.id}/edit", data=dict(form, substance_detail="95号汽油"))
    html = client.get(f"/assets/{tank.id}").get_data(as_text=True)
    history = html[html.index('class="history"') :]
    assert "Change history" in history and regulator.email in history
    assert "Substance detail" in history and "95号汽油" in history and "changed" in history
    fac = world["fac_a"]
    html = client.get(f"/facilities/{fac.id}").get_data(as_text=True)
    history = html[html.index('class="history"') :]
    assert "created" in history and fac.name in history
    html = client.get(f"/organizations/{world['org_a'].id}").get_data(as_text=True)
    assert world["org_a"].credit_code in html[html.index('class="history"') :]


def test_audit_rows_cannot_be_changed_through_the_orm(world: dict[str, Any], db: Any) -> None:
    event = db.session.scalars(select(AuditEvent)).first()
    event.actor = "someone else"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalars(select(AuditEvent)).first()
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET actor = 'forged'",
        "DELETE FROM audit_event",
    ],
)
def test_database_refuses_raw_updates_and_deletes(world: dict[str, Any], db: Any, sql: str) -> None:
    before = db.session.scalar(select(sa.func.count()).select_from(AuditEvent))
    assert before > 0
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(sa.text(sql))
    assert db.session.scalar(select(sa.func.count()).select_from(AuditEvent)) == before
    assert db.session.scalar(select(sa.func.count()).where(AuditEvent.actor == "forged")) == 0


def test_database_refuses_emptying_the_log(world: dict[str, Any], db: Any) -> None:
    # PostgreSQL's TRUNCATE skips row triggers, so it has a trigger of its own
    postgres = db.session.get_bind().dialect.name == "postgresql"
    sql = "TRUNCATE audit_event" if postgres else "DELETE FROM audit_event WHERE id > 0"
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(sa.text(sql))


def test_asset_rows_keep_their_audit_when_closed(make_asset: Any, db: Any) -> None:
    asset = make_asset()
    asset.status = "permanently_closed"
    db.session.commit()
    events = _events(db, "asset", asset.id)
    assert events[-1].changes == {"status": ["in_service", "permanently_closed"]}
    assert db.session.get(Asset, asset.id) is not None
