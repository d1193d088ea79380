"""Access rows for compliance inspections, violations, planning and measures."""

import uuid

from tests.access import ANY_USER
from tests.access import OWN_EDIT
from tests.access import OWN_VIEW
from tests.access import PUBLIC
from tests.access import REGULATOR_ONLY
from tests.access import REGULATOR_OR_VIEWER
from tests.access import Row
from tests.access import profile

# Inspectors and regulators; operator A sees the row but may not act, B does not see it.
INSPECT = profile(operator_a=403, operator_b=404, viewer=403)
# Everyone but operators: planning is the bureau's.
BUREAU = profile(operator_a=403, operator_b=403)
# Reporting a correction again: the allowed roles reach the service, which answers 409.
CORRECTED_AGAIN = profile(operator_a=409, operator_b=404, inspector=403, regulator=409, viewer=403)


def _visit(kind: str):  # type: ignore[no-untyped-def]
    def body(world):  # type: ignore[no-untyped-def]
        return {
            "client_uuid": str(uuid.uuid4()),
            "performed_at": "2025-03-10T09:30:00+08:00",
            "kind": kind,
            "violations": [{"code": "BJ-OP-01"}],
        }

    return body


ROWS = [
    # Pages
    Row(
        "GET", "/facilities/{fac_a}/compliance-inspections/new", profile(operator_b=404, viewer=403)
    ),
    Row(
        "POST",
        "/facilities/{fac_a}/compliance-inspections/new",
        profile(operator_a=422, operator_b=404, inspector=422, regulator=422, viewer=403),
        as_json=False,
        body={"kind": "routine"},
    ),
    Row("GET", "/compliance-inspections/{visit_a}", OWN_VIEW),
    # A program fetching a PDF gets 401, not a log-in page (as for certificates).
    Row("GET", "/compliance-inspections/{visit_a}.pdf", profile(anonymous=401, operator_b=404)),
    Row("GET", "/ci/{visit_a.number}", PUBLIC),
    Row("GET", "/violations", ANY_USER),
    Row(
        "POST",
        "/violations/{violation_corrected}/corrected",
        OWN_EDIT,
        as_json=False,
        body={},
        ok=302,
    ),
    Row(
        "POST", "/violations/{violation_corrected}/verify", INSPECT, as_json=False, body={}, ok=302
    ),
    Row(
        "POST",
        "/violations/{violation_corrected}/reopen",
        INSPECT,
        as_json=False,
        body={"reason": "又报警"},
        ok=302,
    ),
    Row("GET", "/violations/{violation_corrected}/evidence", OWN_VIEW),
    Row(
        "POST", "/violations/{violation_corrected}/red-tag", INSPECT, as_json=False, body={}, ok=302
    ),
    Row("GET", "/inspection-plans", BUREAU),
    Row(
        "POST",
        "/inspection-plans",
        profile(operator_a=403, operator_b=403, inspector=403, viewer=403, regulator=422),
        as_json=False,
        body={},
    ),
    Row("GET", "/inspection-plans/{plan_a}/public", PUBLIC),
    # API
    Row("GET", "/api/v1/violation-codes", ANY_USER),
    Row(
        "POST",
        "/api/v1/facilities/{fac_a}/compliance-inspections",
        profile(operator_a=403, operator_b=404, viewer=403),
        body=_visit("routine"),
        ok=201,
    ),
    Row(
        "POST",
        "/api/v1/facilities/{fac_a}/compliance-inspections",
        profile(operator_b=404, viewer=403),
        body=_visit("self_investigation"),
        ok=201,
        id="POST self-investigation",
    ),
    Row("GET", "/api/v1/compliance-inspections", ANY_USER),
    Row("GET", "/api/v1/compliance-inspections?facility_id={fac_a}", ANY_USER),
    Row("GET", "/api/v1/compliance-inspections/{visit_a}", OWN_VIEW),
    Row("GET", "/api/v1/violations?status=open", ANY_USER),
    Row("GET", "/api/v1/violations/{violation_corrected}", OWN_VIEW),
    Row("POST", "/api/v1/violations/{violation_corrected}/corrected", CORRECTED_AGAIN, body={}),
    Row("POST", "/api/v1/violations/{violation_corrected}/verify", INSPECT, body={}),
    Row("POST", "/api/v1/violations/{violation_corrected}/reopen", INSPECT, body={"reason": "x"}),
    Row("GET", "/api/v1/facilities/inspection-due", BUREAU),
    Row("GET", "/api/v1/inspection-plans", BUREAU),
    Row("POST", "/api/v1/inspection-plans", REGULATOR_ONLY, body={"count": 1, "seed": 3}, ok=201),
    Row("GET", "/api/v1/inspection-plans/{plan_a}", BUREAU),
    Row("GET", "/api/v1/measures?from=2025-01-01&to=2025-06-30", REGULATOR_OR_VIEWER),
]
