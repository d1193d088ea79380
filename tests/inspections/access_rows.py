"""Access rows for inspections: the form, results, photos, corrective actions, app shell, API."""

import io
import uuid

from tests.access import ANY_USER
from tests.access import OWN_EDIT
from tests.access import OWN_VIEW
from tests.access import PUBLIC
from tests.access import Row
from tests.access import profile
from tests.inspections.conftest import jpeg_bytes

# inspectors and regulators; operator A may see the asset but not inspect it
INSPECT = profile(operator_a=403, operator_b=404, viewer=403)


def _inspection(world):  # type: ignore[no-untyped-def]
    return {
        "client_uuid": str(uuid.uuid4()),
        "asset_id": world["tank_a"].id,
        "answers": world["inspection_a"].answers,
        "result": "pass",
    }


def _photo(world):  # type: ignore[no-untyped-def]
    return {"file": (io.BytesIO(jpeg_bytes(color="blue")), "p.jpg")}


ROWS = [
    Row("GET", "/assets/{tank_a}/inspect", INSPECT),
    # An incomplete form: past the access check it is re-rendered with a message per field.
    Row(
        "POST",
        "/assets/{tank_a}/inspect",
        profile(operator_a=403, operator_b=404, viewer=403, inspector=422, regulator=422),
        as_json=False,
        body={"notes": "x"},
    ),
    Row("GET", "/inspections/{inspection_a}", OWN_VIEW),
    Row("GET", "/photos/{photo_a}", OWN_VIEW),
    Row("POST", "/corrective-actions/{action_open}/fix", OWN_EDIT, as_json=False, body={}, ok=302),
    Row(
        "POST", "/corrective-actions/{action_fixed}/verify", INSPECT, as_json=False, body={}, ok=302
    ),
    Row(
        "POST", "/corrective-actions/{action_fixed}/reopen", INSPECT, as_json=False, body={}, ok=302
    ),
    Row("GET", "/sw.js", PUBLIC),
    Row("GET", "/manifest.webmanifest", PUBLIC),
    # API
    Row("GET", "/api/v1/assets/{tank_a}/checklist", OWN_VIEW),
    Row("GET", "/api/v1/assets/{tank_a}/inspections", OWN_VIEW),
    Row("GET", "/api/v1/inspections", ANY_USER),
    # The asset is in the body, not the URL: an operator's role never inspects, so 403 for
    # both operators before the body is read.
    Row(
        "POST",
        "/api/v1/inspections",
        profile(operator_a=403, operator_b=403, viewer=403),
        body=_inspection,
        ok=201,
    ),
    Row("GET", "/api/v1/inspections/{inspection_a}", OWN_VIEW),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_a}/photos",
        INSPECT,
        as_json=False,
        body=_photo,
        ok=201,
    ),
    Row("GET", "/api/v1/findings", ANY_USER),
    Row("POST", "/api/v1/corrective-actions/{action_open}/fix", OWN_EDIT, body={"notes": "done"}),
    Row("POST", "/api/v1/corrective-actions/{action_fixed}/verify", INSPECT, body={}),
    Row("POST", "/api/v1/corrective-actions/{action_fixed}/reopen", INSPECT, body={}),
]
