"""Access rows for releases, pages and API."""

from tests.access import ANY_USER
from tests.access import OWN_OR_INSPECTOR
from tests.access import OWN_VIEW
from tests.access import PUBLIC
from tests.access import Row
from tests.access import profile


def _new(world: dict) -> dict:
    return {
        "facility_id": world["fac_a"].id,
        "discovered_at": "2026-03-05T10:00:00+08:00",
        "description": "Fuel odour in the manhole",
    }


DONE = {"done_at": "2026-03-05T10:00:00+08:00", "notes": "Reported by phone"}
CONFIRM = {"confirmed_at": "2026-03-05T10:00:00+08:00"}
CLOSE = {"closed_on": "2026-03-20", "reason": "No further action"}
# Regulators only; operator B does not see organization A's release at all.
CLOSE_PROFILE = profile(operator_a=403, operator_b=404, inspector=403, viewer=403)

ROWS = [
    # public
    Row("GET", "/releases/public", PUBLIC),
    Row("GET", "/exports/releases.geojson", PUBLIC),
    # API
    Row("GET", "/api/v1/releases", ANY_USER),
    Row("GET", "/api/v1/releases?state=confirmed&facility_id={fac_a}", ANY_USER),
    Row("POST", "/api/v1/releases", OWN_OR_INSPECTOR, body=_new, ok=201),
    Row("GET", "/api/v1/releases/{release_a}", OWN_VIEW),
    Row("POST", "/api/v1/releases/{release_a}/steps/report_emergency", OWN_OR_INSPECTOR, body=DONE),
    # cn-beijing has no step run by request: the regulator passes the access check, then 409
    Row(
        "POST",
        "/api/v1/releases/{release_confirmed_a}/steps/risk_assessment/request",
        profile(operator_a=403, operator_b=404, inspector=403, viewer=403, regulator=409),
        body={"due_at": "2026-06-01T17:00:00+08:00"},
    ),
    Row("POST", "/api/v1/releases/{release_a}/confirm", OWN_OR_INSPECTOR, body=CONFIRM),
    Row(
        "POST",
        "/api/v1/releases/{release_a}/not-confirmed",
        OWN_OR_INSPECTOR,
        body={"reason": "Probe faulty, replaced, retested clean"},
    ),
    Row("POST", "/api/v1/releases/{release_confirmed_a}/close", CLOSE_PROFILE, body=CLOSE),
]
ROWS += [
    Row(
        "GET",
        "/api/v1/measures?from=2026-01-01&to=2026-06-30",
        profile(operator_a=403, operator_b=403, inspector=403),
    ),
]
FORM_DONE = {"done_at": "2026-03-05T10:00", "notes": "Reported by phone"}
ROWS += [
    Row("GET", "/releases", ANY_USER),
    Row("GET", "/releases?state=suspected", ANY_USER),
    Row("GET", "/releases/{release_a}", OWN_VIEW),
    Row("GET", "/releases/{release_confirmed_a}", OWN_VIEW),
    Row("GET", "/facilities/{fac_a}/releases/new", OWN_OR_INSPECTOR),
    Row(
        "POST",
        "/facilities/{fac_a}/releases/new",
        OWN_OR_INSPECTOR,
        body={"discovered_at": "2026-03-05T10:00", "description": "Odour", "kind": "spill"},
        as_json=False,
        ok=302,
    ),
    Row(
        "POST",
        "/releases/{release_a}/steps/report_emergency",
        OWN_OR_INSPECTOR,
        body=FORM_DONE,
        as_json=False,
        ok=302,
    ),
    Row(
        "POST",
        "/releases/{release_a}/confirm",
        OWN_OR_INSPECTOR,
        body={"confirmed_at": "2026-03-05T10:00"},
        as_json=False,
        ok=302,
    ),
    Row(
        "POST",
        "/releases/{release_a}/not-confirmed",
        OWN_OR_INSPECTOR,
        body={"reason": "Probe faulty"},
        as_json=False,
        ok=302,
    ),
    Row(
        "POST",
        "/releases/{release_confirmed_a}/close",
        CLOSE_PROFILE,
        body={"closed_on": "2026-03-20", "reason": "No further action"},
        as_json=False,
        ok=302,
    ),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(world: dict) -> dict:
    import io

    return {"file": (io.BytesIO(PDF), "report.pdf"), "note": "Report sent"}


ROWS += [
    Row(
        "POST", "/releases/{release_a}/evidence", OWN_OR_INSPECTOR, body=_pdf, as_json=False, ok=302
    ),
    Row(
        "POST",
        "/api/v1/releases/{release_a}/evidence",
        OWN_OR_INSPECTOR,
        body=_pdf,
        as_json=False,
        ok=201,
    ),
    Row("GET", "/releases/{release_a}/evidence/{evidence_a}", OWN_VIEW),
]
