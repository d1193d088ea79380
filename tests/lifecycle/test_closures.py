"""Status and substance changes through the API and the close form: dated, detailed, audited,
recorded as activities, a site assessment opening a release, and the reminders they start."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.services import history
from registry.compliance.models import ActivityRecord
from registry.core.dates import today
from registry.extensions import db as _db
from registry.releases.models import Release
from tests.forms import submitted


def _patch(client: Any, h: dict[str, str], asset: Any, **body: Any) -> Any:
    version = client.get(f"/api/v1/assets/{asset.id}", headers=h).json["version"]
    return client.patch(f"/api/v1/assets/{asset.id}", headers=h, json={"version": version, **body})


@pytest.fixture
def site(make_facility: Any, make_asset: Any, make_user: Any, api_headers: Any) -> Any:
    fac = make_facility(registered_on=date(2020, 1, 10))
    user = make_user("operator", organization=fac.organization)
    return fac, make_asset(fac, registered_on=date(2020, 1, 10)), api_headers(user)


def test_old_contract_closure_is_dated_today_and_reopening_clears_it(
    client: Any, site: Any, use_pack: Any
) -> None:
    use_pack("us-epa-280")
    _, tank, h = site
    r = _patch(client, h, tank, status="temporarily_closed")
    assert r.status_code == 200, r.json
    assert r.json["closed_on"] == today().isoformat()
    r = _patch(client, h, tank, status="temporarily_closed", emptied=True)
    assert r.status_code == 200 and r.json["emptied"] is True
    r = _patch(client, h, tank, status="in_service")
    assert r.status_code == 200
    assert r.json["closed_on"] is None and r.json["emptied"] is None
    changed = [set(e.changes) for e in history("asset", tank.id)]
    assert any({"status", "closed_on"} <= c for c in changed)


def test_details_of_the_other_closure_are_refused(client: Any, site: Any) -> None:
    _, tank, h = site
    r = _patch(client, h, tank, status="temporarily_closed", closure_method="removed")
    assert r.status_code == 422
    assert "closure_method" in str(r.json["errors"])
    r = _patch(client, h, tank, vent_lines_open=True)  # still in service
    assert r.status_code == 422


def test_contaminated_site_assessment_records_it_and_opens_a_release(
    client: Any, site: Any, use_pack: Any
) -> None:
    use_pack("us-epa-280")
    fac, tank, h = site
    closed = (today() - timedelta(days=3)).isoformat()
    r = _patch(
        client,
        h,
        tank,
        status="permanently_closed",
        closed_on=closed,
        closure_method="removed",
        site_assessment_result="release_suspected",
    )
    assert r.status_code == 200, r.json
    record = _db.session.scalar(select(ActivityRecord).where(ActivityRecord.asset_id == tank.id))
    assert record.activity == "closure_site_assessment" and record.result == "fail"
    assert record.performed_on.isoformat() == closed
    release = _db.session.scalar(select(Release).where(Release.facility_id == fac.id))
    assert release.state == "suspected" and release.source == "site_assessment"
    assert release.asset_id == tank.id
    codes = {i["obligation"] for i in client.get("/api/v1/reminders", headers=h).json}
    assert "closure_site_assessment" not in codes  # done (it found contamination)
    assert "report_suspected" in codes  # the release's own clock runs


def test_closure_recorded_late_counts_from_closed_on(client: Any, site: Any, use_pack: Any) -> None:
    use_pack("us-epa-280")
    _, tank, h = site
    closed = today() - timedelta(days=60)
    r = _patch(client, h, tank, status="permanently_closed", closed_on=closed.isoformat())
    assert r.status_code == 200
    items = {
        i["obligation"]: i
        for i in client.get("/api/v1/reminders", headers=h).json
        if i["asset_id"] == tank.id
    }
    notice, assessment = items["permanent_closure_notice"], items["closure_site_assessment"]
    assert notice["due_on"] == (closed - timedelta(days=30)).isoformat()
    assert notice["days_overdue"] == 90 and notice["state"] == "overdue"
    assert assessment["due_on"] == closed.isoformat() and assessment["days_overdue"] == 60
    problems = client.get(f"/api/v1/assets/{tank.id}/quality", headers=h).json
    assert "closure_without_notice" in {p["code"] for p in problems}


def test_substance_change_is_dated_and_its_notice_checked(
    client: Any, site: Any, use_pack: Any
) -> None:
    use_pack("us-epa-280")
    _, tank, h = site
    r = _patch(client, h, tank, substance="ethanol_blend")
    assert r.json["substance_changed_on"] == today().isoformat()
    codes = {p["code"] for p in client.get(f"/api/v1/assets/{tank.id}/quality", headers=h).json}
    assert "substance_change_without_notice" in codes
    # The notice was given 40 days before: backdated, the problem and the reminder end.
    given = (today() - timedelta(days=40)).isoformat()
    r = client.post(
        f"/api/v1/assets/{tank.id}/records",
        headers=h,
        json={"activity": "compatibility_notice", "performed_on": given},
    )
    assert r.status_code == 201, r.json
    codes = {p["code"] for p in client.get(f"/api/v1/assets/{tank.id}/quality", headers=h).json}
    assert "substance_change_without_notice" not in codes
    reminders = client.get("/api/v1/reminders", headers=h).json
    assert not [i for i in reminders if i["obligation"] == "ethanol_blend_notice"]


def test_close_form_records_the_lines_secured(
    client: Any, login_as: Any, make_asset: Any, use_pack: Any
) -> None:
    use_pack("us-epa-280")
    tank = make_asset()
    login_as("regulator", locale="en")
    form = submitted(client.get(f"/assets/{tank.id}/close").get_data(as_text=True))
    form.update(status="temporarily_closed", closed_on="")
    resp = client.post(f"/assets/{tank.id}/close", data=form)
    assert resp.status_code == 422  # the form asks for the day
    form.update(
        closed_on=(today() - timedelta(days=5)).isoformat(),
        emptied="on",
        vent_lines_open="on",
        lines_capped="on",
    )
    assert client.post(f"/assets/{tank.id}/close", data=form).status_code == 302
    _db.session.expire_all()
    activities = _db.session.scalars(
        select(ActivityRecord.activity).where(ActivityRecord.asset_id == tank.id)
    ).all()
    assert activities == ["temporary_closure_securing"]
