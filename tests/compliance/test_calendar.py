"""The calendar feed, parsed with icalendar: one event per due item, stable UIDs, revocation."""

from __future__ import annotations

import re
from typing import Any

from icalendar import Calendar

from registry.compliance.services import due_items


def _token(client: Any, org_id: int) -> str:
    resp = client.post(f"/operators/{org_id}/calendar")
    assert resp.status_code == 200
    found = re.search(r"calendar\.ics\?token=([A-Za-z0-9_\-]+)", resp.get_data(as_text=True))
    assert found
    return found.group(1)


def test_feed_events_uids_and_revocation(
    client: Any, app: Any, world: Any, login_as: Any, db: Any
) -> None:
    org = world["org_a"]
    login_as("operator", organization=org)
    token = _token(client, org.id)
    url = f"/operators/{org.id}/calendar.ics?token={token}"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    events = Calendar.from_ical(first.data).walk("VEVENT")
    with app.test_request_context():
        expected = due_items(organization_id=org.id, include_ok=True, horizon_days=400)
    assert len(events) == len(expected) > 0
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    tank = world["tank_a"]
    assert f"patrol.asset-{tank.id}.org-{org.id}@ust-registry" in uids
    assert (
        f"basic_information_report.facility-{world['fac_a'].id}.org-{org.id}@ust-registry" in uids
    )
    patrol = next(e for e in events if str(e["UID"]).startswith(f"patrol.asset-{tank.id}."))
    assert f"/assets/{tank.id}/records/new?activity=patrol" in str(patrol["URL"])
    second = Calendar.from_ical(client.get(url).data).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in second) == sorted(uids)  # same UIDs: updates, no copies

    assert (
        client.get(f"/operators/{world['org_b'].id}/calendar.ics?token={token}").status_code == 404
    )
    page = client.get(f"/operators/{org.id}/calendar").get_data(as_text=True)
    token_id = re.search(r"/calendar/(\d+)/revoke", page)
    assert token_id
    assert (
        client.post(f"/operators/{org.id}/calendar/{token_id.group(1)}/revoke").status_code == 302
    )
    assert client.get(url).status_code == 404
