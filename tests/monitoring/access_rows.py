"""Access rows for monitoring points, readings and alerts, pages and API."""

from tests.access import ANY_USER
from tests.access import OWN_OR_INSPECTOR
from tests.access import OWN_VIEW
from tests.access import Row
from tests.access import profile

READING = {"parameter": "benzene", "value": 0.004, "unit": "mg/L", "sampled_on": "2026-02-01"}
POINT = {"name": "MW-9", "kind": "groundwater_well"}
ACK = {"note": "Resample ordered for next week."}

ROWS = [
    Row("GET", "/alerts", ANY_USER),
    Row("GET", "/alerts?kind=exceedance", ANY_USER),
    Row("GET", "/alerts?state=all&sort=facility&dir=desc", ANY_USER),
    Row("GET", "/alerts/{alert_a}/acknowledge", OWN_OR_INSPECTOR),
    Row(
        "POST",
        "/alerts/{alert_a}/acknowledge",
        OWN_OR_INSPECTOR,
        body=ACK,
        as_json=False,
        ok=302,
    ),
    Row("GET", "/facilities/{fac_a}/monitoring", OWN_VIEW),
    Row(
        "POST",
        "/facilities/{fac_a}/monitoring",
        OWN_OR_INSPECTOR,
        body=POINT,
        as_json=False,
        ok=302,
    ),
    *[
        Row(
            "GET",
            f"/facilities/{{fac_a}}/monitoring/readings.{fmt}",
            profile(anonymous=401, operator_b=404),  # a file download: 401, not the log-in page
        )
        for fmt in ("csv", "xlsx")
    ],
    Row("GET", "/monitoring-points/{point_a}", OWN_VIEW),
    Row(
        "POST",
        "/monitoring-points/{point_a}",
        OWN_OR_INSPECTOR,
        body=READING,
        as_json=False,
        ok=302,
    ),
    # API
    Row("GET", "/api/v1/alerts", ANY_USER),
    Row("GET", "/api/v1/alerts?acknowledged=false", ANY_USER),
    Row("POST", "/api/v1/monitoring/alerts/{alert_a}/acknowledge", OWN_OR_INSPECTOR, body=ACK),
    Row("GET", "/api/v1/facilities/{fac_a}/monitoring-points", OWN_VIEW),
    Row(
        "POST", "/api/v1/facilities/{fac_a}/monitoring-points", OWN_OR_INSPECTOR, body=POINT, ok=201
    ),
    Row("GET", "/api/v1/monitoring-points/{point_a}/readings", OWN_VIEW),
    Row(
        "POST",
        "/api/v1/monitoring-points/{point_a}/readings",
        OWN_OR_INSPECTOR,
        body=READING,
        ok=201,
    ),
]
