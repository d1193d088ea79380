"""Access rows for designated operators and financial responsibility, pages and API."""

from tests.access import OWN_EDIT
from tests.access import OWN_VIEW
from tests.access import Row

OPERATOR = {"name": "李四", "operator_class": "B", "trained_on": "2025-01-01"}
MECHANISM = {
    "mechanism": "surety_bond",
    "provider": "Bonding Co.",
    "per_occurrence": 500000,
    "aggregate": 1000000,
    "effective_on": "2025-01-01",
}


def _version(row: str, **more: object):  # type: ignore[no-untyped-def]
    def body(world):  # type: ignore[no-untyped-def]
        return {"version": world[row].version, **more}

    return body


ROWS = [
    # API
    Row("GET", "/api/v1/facilities/{fac_a}/designated-operators", OWN_VIEW),
    Row("POST", "/api/v1/facilities/{fac_a}/designated-operators", OWN_EDIT, body=OPERATOR, ok=201),
    Row("GET", "/api/v1/designated-operators/{person_a}", OWN_VIEW),
    Row(
        "PATCH",
        "/api/v1/designated-operators/{person_a}",
        OWN_EDIT,
        body=_version("person_a", trained_on="2025-02-01"),
    ),
    Row("DELETE", "/api/v1/designated-operators/{person_a}", OWN_EDIT, ok=204),
    Row("GET", "/api/v1/organizations/{org_a}/financial-responsibility", OWN_VIEW),
    Row(
        "POST",
        "/api/v1/organizations/{org_a}/financial-responsibility",
        OWN_EDIT,
        body=MECHANISM,
        ok=201,
    ),
    Row("GET", "/api/v1/financial-responsibility/{mechanism_a}", OWN_VIEW),
    Row(
        "PATCH",
        "/api/v1/financial-responsibility/{mechanism_a}",
        OWN_EDIT,
        body=_version("mechanism_a", provider="Other Mutual"),
    ),
    Row("DELETE", "/api/v1/financial-responsibility/{mechanism_a}", OWN_EDIT, ok=204),
    # pages
    Row("GET", "/facilities/{fac_a}/operators", OWN_VIEW),
    Row("POST", "/facilities/{fac_a}/operators", OWN_EDIT, body=OPERATOR, as_json=False, ok=302),
    Row("GET", "/designated-operators/{person_a}/edit", OWN_EDIT),
    Row(
        "POST",
        "/designated-operators/{person_a}/edit",
        OWN_EDIT,
        body=_version("person_a", name="张三丰"),
        as_json=False,
        ok=302,
    ),
    Row("POST", "/designated-operators/{person_a}/delete", OWN_EDIT, as_json=False, ok=302),
    Row("GET", "/designated-operators/{person_a}/certificate", OWN_VIEW),
    Row("GET", "/organizations/{org_a}/financial-responsibility", OWN_VIEW),
    Row(
        "POST",
        "/organizations/{org_a}/financial-responsibility",
        OWN_EDIT,
        body=MECHANISM,
        as_json=False,
        ok=302,
    ),
    Row("GET", "/financial-responsibility/{mechanism_a}/edit", OWN_EDIT),
    Row(
        "POST",
        "/financial-responsibility/{mechanism_a}/edit",
        OWN_EDIT,
        body=_version("mechanism_a", provider="Other Mutual"),
        as_json=False,
        ok=302,
    ),
    Row("POST", "/financial-responsibility/{mechanism_a}/delete", OWN_EDIT, as_json=False, ok=302),
]
