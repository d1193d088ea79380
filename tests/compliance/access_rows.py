"""Access rows for activity records, reminders, the overview and the calendar feed."""

from tests.access import ANY_USER
from tests.access import OWN_EDIT
from tests.access import OWN_OR_INSPECTOR
from tests.access import Row
from tests.access import profile

RECORD = {"activity": "patrol", "performed_on": "2025-06-01", "result": "pass"}
FACILITY_RECORD = {"activity": "basic_information_report", "performed_on": "2025-06-01"}
B_EDIT = profile(operator_a=404, inspector=403, viewer=403)
NOT_OPERATORS = profile(operator_a=403, operator_b=403)
ALL_404 = profile(
    anonymous=404, operator_a=404, operator_b=404, inspector=404, regulator=404, viewer=404
)

ROWS = [
    Row("GET", "/obligations", ANY_USER),
    Row("GET", "/assets/{tank_a}/records/new?activity=patrol", OWN_OR_INSPECTOR),
    Row(
        "POST", "/assets/{tank_a}/records/new", OWN_OR_INSPECTOR, as_json=False, body=RECORD, ok=302
    ),
    Row("GET", "/facilities/{fac_a}/records/new", OWN_OR_INSPECTOR),
    Row(
        "POST",
        "/facilities/{fac_a}/records/new",
        OWN_OR_INSPECTOR,
        as_json=False,
        body=FACILITY_RECORD,
        ok=302,
    ),
    # No record has this id: every logged-in user gets 404 (tests/compliance/test_records.py
    # checks a real attachment per role).
    Row(
        "GET",
        "/records/999999/attachment",
        profile(operator_a=404, operator_b=404, inspector=404, regulator=404, viewer=404),
    ),
    # A record of organization B: its operators and regulators may correct it.
    Row("GET", "/records/{record_b}/edit", B_EDIT),
    Row(
        "POST",
        "/records/{record_b}/edit",
        B_EDIT,
        as_json=False,
        body=lambda w: RECORD | {"version": w["record_b"].version},
        ok=302,
    ),
    Row("GET", "/reminders", ANY_USER),
    Row("GET", "/reminders?as_of=2026-01-01&organization_id={org_a}", ANY_USER),
    Row("GET", "/reminders/overview", NOT_OPERATORS),
    Row("GET", "/operators/{org_a}/calendar", OWN_EDIT),
    Row("POST", "/operators/{org_a}/calendar", OWN_EDIT, as_json=False, body={}),
    Row(
        "POST",
        "/operators/{org_a}/calendar/999999/revoke",
        profile(operator_a=404, operator_b=404, inspector=403, regulator=404, viewer=403),
        as_json=False,
        body={},
    ),
    Row("GET", "/operators/{org_a}/calendar.ics?token=not-a-token", ALL_404),
    # API
    Row("GET", "/api/v1/assets/{tank_a}/records", profile(operator_b=404)),
    Row("POST", "/api/v1/assets/{tank_a}/records", OWN_OR_INSPECTOR, body=RECORD, ok=201),
    Row("GET", "/api/v1/reminders", ANY_USER),
    Row("GET", "/api/v1/rule-pack", ANY_USER),
]
