"""Access rows for organizations and facilities, pages and API."""

from tests.access import ANY_USER
from tests.access import OPERATOR_OR_REGULATOR
from tests.access import OWN_EDIT
from tests.access import OWN_VIEW
from tests.access import REGULATOR_ONLY
from tests.access import Row
from tests.access import profile


def _new_org(world):  # type: ignore[no-untyped-def]
    return {"name": "新单位", "credit_code": "91350100M000100Y43"}


def _new_facility(world):  # type: ignore[no-untyped-def]
    return {"organization_id": world["org_a"].id, "name": "新加油站", "kind": "gas_station"}


ORG_A_VIEW = profile(operator_b=404)
HAS_HISTORY = profile(operator_a=409, operator_b=404, inspector=403, regulator=409, viewer=403)

ROWS = [
    Row("GET", "/organizations", ANY_USER),
    Row("GET", "/organizations/new", REGULATOR_ONLY),
    Row("POST", "/organizations/new", REGULATOR_ONLY, body=_new_org, as_json=False, ok=302),
    Row("GET", "/organizations/{org_a}", ORG_A_VIEW),
    Row(
        "GET",
        "/organizations/{org_a}/edit",
        profile(operator_a=403, operator_b=404, inspector=403, viewer=403),
    ),
    Row(
        "POST",
        "/organizations/{org_a}/edit",
        profile(operator_a=403, operator_b=404, inspector=403, viewer=403),
        body=lambda w: {
            "name": "改名公司",
            "credit_code": w["org_a"].credit_code,
            "version": w["org_a"].version,
        },
        as_json=False,
        ok=302,
    ),
    Row("GET", "/facilities", ANY_USER),
    Row("GET", "/facilities?sort=operator&dir=desc&compliance=ok", ANY_USER),
    Row("GET", "/facilities?sort=-name;drop&compliance=", ANY_USER),
    Row("GET", "/facilities/new", OPERATOR_OR_REGULATOR),
    Row(
        "POST", "/facilities/new", OPERATOR_OR_REGULATOR, body=_new_facility, as_json=False, ok=302
    ),
    Row("GET", "/facilities/{fac_a}", OWN_VIEW),
    Row("GET", "/facilities/{fac_a}/edit", OWN_EDIT),
    Row(
        "POST",
        "/facilities/{fac_a}/edit",
        OWN_EDIT,
        as_json=False,
        body=lambda w: {
            "name": "改名加油站",
            "kind": "gas_station",
            "status": "active",
            "organization_id": w["org_a"].id,
            "version": w["fac_a"].version,
        },
        ok=302,
    ),
    # Facility A has tanks: the roles that may delete get the 409 refusal (an empty facility
    # is deleted in tests/sites/test_facility_delete.py).
    Row("GET", "/facilities/{fac_a}/delete", HAS_HISTORY),
    Row("POST", "/facilities/{fac_a}/delete", HAS_HISTORY, as_json=False, body={}),
    # API
    Row("GET", "/api/v1/organizations", ANY_USER),
    Row("POST", "/api/v1/organizations", REGULATOR_ONLY, body=_new_org, ok=201),
    Row("GET", "/api/v1/organizations/{org_a}", ORG_A_VIEW),
    Row(
        "PATCH",
        "/api/v1/organizations/{org_a}",
        profile(operator_a=403, operator_b=404, inspector=403, viewer=403),
        body=lambda w: {"version": w["org_a"].version, "contact_name": "新联系人"},
    ),
    Row("GET", "/api/v1/facilities", ANY_USER),
    # The body names organization A: operator B gets 404 as for an organization that does not
    # exist (tests/auth/test_cross_org_writes.py).
    Row("POST", "/api/v1/facilities", OWN_EDIT, body=_new_facility, ok=201),
    Row("GET", "/api/v1/facilities/{fac_a}", OWN_VIEW),
    Row(
        "PATCH",
        "/api/v1/facilities/{fac_a}",
        OWN_EDIT,
        body=lambda w: {"version": w["fac_a"].version, "address": "新地址"},
    ),
]
