"""Financial responsibility: the amounts the US pack requires, the problem when short, the
reminder when it lapses."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from registry.compliance.rules import load_pack
from registry.core.dates import today
from registry.filings import quality

D = date.fromisoformat
RULES = load_pack("us-epa-280").financial


def test_required_amounts() -> None:
    assert RULES is not None and load_pack("cn-beijing").financial is None
    assert RULES.required(marketer=True, gallons=None, tanks=3) == (1_000_000, 1_000_000)
    assert RULES.required(marketer=False, gallons=10_000, tanks=3) == (500_000, 1_000_000)
    assert RULES.required(marketer=False, gallons=10_001, tanks=100) == (1_000_000, 1_000_000)
    assert RULES.required(marketer=False, gallons=0, tanks=101) == (500_000, 2_000_000)


def _mechanism(**more: Any) -> dict[str, Any]:
    body = {
        "mechanism": "insurance",
        "provider": "Example Mutual",
        "per_occurrence": 500_000,
        "aggregate": 1_000_000,
        "effective_on": (today() - timedelta(days=300)).isoformat(),
        "expires_on": (today() + timedelta(days=10)).isoformat(),
    }
    return body | more


def test_short_amounts_are_a_problem_and_expiry_a_reminder(
    client: Any,
    make_facility: Any,
    make_asset: Any,
    make_user: Any,
    api_headers: Any,
    use_pack: Any,
) -> None:
    use_pack("us-epa-280")
    fac = make_facility()
    make_asset(fac)
    org = fac.organization
    h = api_headers(make_user("operator", organization=org))
    url = f"/api/v1/organizations/{org.id}/financial-responsibility"

    def problems() -> set[str]:
        return {p.code for p in quality.facility_problems(fac.id)}

    assert "financial_responsibility_insufficient" not in problems()  # nothing recorded yet
    r = client.post(url, headers=h, json=_mechanism(monthly_throughput_gallons=8_000))
    assert r.status_code == 201, r.json
    assert "financial_responsibility_insufficient" not in problems()
    # A marketer needs a million per occurrence.
    row = r.json
    r = client.patch(
        f"/api/v1/financial-responsibility/{row['id']}",
        headers=h,
        json={"version": row["version"], "petroleum_marketer": True},
    )
    assert r.status_code == 200
    assert "financial_responsibility_insufficient" in problems()
    # A second mechanism in force makes up the difference.
    assert client.post(url, headers=h, json=_mechanism(expires_on=None)).status_code == 201
    assert "financial_responsibility_insufficient" not in problems()
    # One runs without end: no expiry reminder; remove it, and the other's expiry is one.
    reminders = client.get("/api/v1/reminders", headers=h).json
    assert not [i for i in reminders if i["obligation"] == "financial_responsibility"]
    open_ended = [m for m in client.get(url, headers=h).json if m["expires_on"] is None][0]
    r = client.delete(f"/api/v1/financial-responsibility/{open_ended['id']}", headers=h)
    assert r.status_code == 204
    reminders = client.get("/api/v1/reminders", headers=h).json
    (item,) = [i for i in reminders if i["obligation"] == "financial_responsibility"]
    assert item["state"] == "due_soon" and item["due_on"] == _mechanism()["expires_on"]
    assert item["facility_id"] == fac.id and item["organization_id"] == org.id
    later = (today() + timedelta(days=20)).isoformat()
    items = client.get(f"/api/v1/reminders?as_of={later}", headers=h).json
    (item,) = [i for i in items if i["obligation"] == "financial_responsibility"]
    assert item["state"] == "overdue" and item["days_overdue"] == 10


def test_dates_in_order_and_the_page(
    client: Any, make_org: Any, make_user: Any, api_headers: Any, login_as: Any, use_pack: Any
) -> None:
    use_pack("us-epa-280")
    org = make_org()
    h = api_headers(make_user("operator", organization=org))
    url = f"/api/v1/organizations/{org.id}/financial-responsibility"
    bad = _mechanism(expires_on="2020-01-01", effective_on="2021-01-01")
    r = client.post(url, headers=h, json=bad)
    assert r.status_code == 422 and "expires_on" in str(r.json["errors"])
    assert client.post(url, headers=h, json=_mechanism()).status_code == 201
    login_as("regulator", locale="en")
    html = client.get(f"/organizations/{org.id}/financial-responsibility").get_data(as_text=True)
    assert "Example Mutual" in html and 'data-sufficient="true"' in html
