"""Registration dates: data the operator sets, which obligations count from (not created_at)."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.core.dates import today
from registry.sites.models import Facility
from tests.forms import field_errors
from tests.forms import submitted

D = date.fromisoformat
PACK = "cn-beijing"


def test_api_defaults_to_today_and_takes_a_given_day(
    app: Any, client: Any, make_org: Any, make_user: Any, api_headers: Any
) -> None:
    org = make_org()
    headers = api_headers(make_user("operator", organization=org))
    body = {"organization_id": org.id, "name": "注册日期站", "kind": "gas_station"}
    resp = client.post("/api/v1/facilities", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        assert resp.get_json()["registered_on"] == today().isoformat()
    resp = client.post(
        "/api/v1/facilities",
        json={**body, "name": "迁入站", "registered_on": "2019-06-30"},
        headers=headers,
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["registered_on"] == "2019-06-30"


def test_a_future_registration_day_is_refused_at_the_field(
    app: Any, client: Any, make_org: Any, make_user: Any, api_headers: Any
) -> None:
    org = make_org()
    headers = api_headers(make_user("operator", organization=org))
    with app.app_context():
        tomorrow = (today() + timedelta(days=1)).isoformat()
    body = {"organization_id": org.id, "name": "未来站", "kind": "gas_station"}
    resp = client.post(
        "/api/v1/facilities", json={**body, "registered_on": tomorrow}, headers=headers
    )
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]["json"]) == {"registered_on"}


def test_facility_obligations_count_from_the_registration_day(
    make_facility: Any, make_asset: Any, due_on: Any
) -> None:
    fac = make_facility(registered_on=D("2024-03-10"))
    make_asset(fac)
    assert due_on(PACK, facility=fac)["basic_information_report"] == D("2024-03-10")


def test_an_asset_without_installation_date_counts_from_its_registration(
    make_asset: Any, due_on: Any
) -> None:
    undated = make_asset(installed_on=None, registered_on=D("2025-01-01"))
    installed = make_asset(installed_on=D("2024-01-01"), registered_on=D("2025-01-01"))
    # patrol: first due 30 days after installation, or else after registration
    assert due_on(PACK, asset=undated)["patrol"] == D("2025-01-31")
    assert due_on(PACK, asset=installed)["patrol"] == D("2024-01-31")


def test_edit_form_moves_the_clock_keeps_a_blank_and_is_audited(
    client: Any, login_as: Any, db: Any, make_facility: Any, make_asset: Any, due_on: Any
) -> None:
    fac = make_facility(registered_on=D("2024-03-10"))
    make_asset(fac)
    login_as("operator", organization=fac.organization, locale="en")
    page = client.get(f"/facilities/{fac.id}/edit").get_data(as_text=True)
    form = submitted(page)
    assert form["registered_on"] == "2024-03-10"
    assert 'min="1900-01-01" max="2100-12-31"' in page  # the picker offers plausible years
    resp = client.post(f"/facilities/{fac.id}/edit", data={**form, "registered_on": "2023-05-04"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert due_on(PACK, facility=fac)["basic_information_report"] == D("2023-05-04")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "facility", AuditEvent.row_id == fac.id)
    ).all()
    assert any("registered_on" in (e.changes or {}) for e in events)

    form = submitted(client.get(f"/facilities/{fac.id}/edit").get_data(as_text=True))
    resp = client.post(f"/facilities/{fac.id}/edit", data={**form, "registered_on": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Facility, fac.id).registered_on == D("2023-05-04")

    form = submitted(client.get(f"/facilities/{fac.id}/edit").get_data(as_text=True))
    resp = client.post(f"/facilities/{fac.id}/edit", data={**form, "registered_on": "07/05/2023"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert set(field_errors(html)) == {"registered_on"}
    assert submitted(html)["registered_on"] == "07/05/2023"
