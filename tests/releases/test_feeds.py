"""Release steps in the calendar feed (timed to the hour) and in the operator's digest list."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from icalendar import Calendar

from registry.compliance.services import due_items
from tests.releases.conftest import at


def test_calendar_carries_release_steps_at_their_hour(
    client: Any, world: Any, login_as: Any, open_release: Any
) -> None:
    org = world["org_b"]
    release = open_release(world["fac_b"], "2026-03-01T23:30+08:00")
    login_as("operator", organization=org)
    resp = client.post(f"/operators/{org.id}/calendar")
    token = re.search(r"calendar\.ics\?token=([A-Za-z0-9_\-]+)", resp.get_data(as_text=True))
    assert token
    feed = client.get(f"/operators/{org.id}/calendar.ics?token={token.group(1)}")
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    uid = f"report_emergency.facility-{world['fac_b'].id}.release-{release.id}.report_emergency"
    event = next(e for e in events if str(e["UID"]).startswith(uid))
    assert event.decoded("DTSTART") == at("2026-03-02T23:30+08:00")
    assert f"/releases/{release.id}" in str(event["URL"])


def test_due_items_include_release_steps(app: Any, world: Any, open_release: Any) -> None:
    release = open_release(world["fac_b"], "2026-03-01T23:30+08:00")
    with app.test_request_context():
        items = due_items(organization_id=world["org_b"].id, as_of=date(2026, 3, 20))
    steps = [i for i in items if i.source == "release"]
    assert {i.obligation for i in steps} == {"report_emergency", "site_investigation"}
    assert all(i.extra["release_id"] == release.id for i in steps)
    assert next(i for i in steps if i.obligation == "report_emergency").state == "overdue"
