"""Access rows for red tags, pages and API."""

from tests.access import ANY_USER
from tests.access import OWN_VIEW
from tests.access import Row
from tests.access import profile

# Inspectors and regulators tag; A's operator may see the asset but not tag it.
TAG = profile(operator_a=403, operator_b=404, viewer=403)
# Lifting an untagged asset: allowed roles reach the service, which answers 409.
LIFT_UNTAGGED = profile(operator_a=403, operator_b=404, inspector=409, regulator=409, viewer=403)

ROWS = [
    Row("GET", "/assets/{tank_a}/red-tag", TAG),
    Row(
        "POST",
        "/assets/{tank_a}/red-tag",
        TAG,
        body={"reason": "单层罐未设防渗池", "legal_basis": "GB 50156-2021 6.5.2"},
        as_json=False,
        ok=302,
    ),
    Row("GET", "/assets/{tank_a}/red-tag/lift", TAG, ok=302),
    Row(
        "POST",
        "/assets/{tank_a}/red-tag/lift",
        LIFT_UNTAGGED,
        body={"note": "已整改"},
        as_json=False,
    ),
    Row("GET", "/red-tags", ANY_USER),
    Row("GET", "/red-tags?sort=facility", ANY_USER),
    # API
    Row(
        "POST", "/api/v1/assets/{tank_a}/red-tag", TAG, body={"reason": "单层罐未设防渗池"}, ok=201
    ),
    Row("DELETE", "/api/v1/assets/{tank_a}/red-tag", LIFT_UNTAGGED),
    Row("GET", "/api/v1/assets/{tank_a}/red-tags", OWN_VIEW),
]
