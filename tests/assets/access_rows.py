"""Access rows for tanks and pipelines, pages and API."""

from tests.access import ANY_USER
from tests.access import OWN_EDIT
from tests.access import OWN_VIEW
from tests.access import Row


def _new_tank(world):  # type: ignore[no-untyped-def]
    return {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 10000,
    }


ROWS = [
    Row("GET", "/assets", ANY_USER),
    Row("GET", "/assets?sort=facility&dir=desc&compliance=overdue", ANY_USER),
    Row("GET", "/assets?sort=nonsense&compliance=nonsense", ANY_USER),
    Row("GET", "/assets/new?facility_id={fac_a}&kind=tank", OWN_EDIT),
    Row(
        "POST",
        "/assets/new?facility_id={fac_a}&kind=tank",
        OWN_EDIT,
        as_json=False,
        body={"substance": "diesel", "status": "in_service", "capacity_litres": "10000"},
        ok=302,
    ),
    Row("GET", "/assets/{tank_a}", OWN_VIEW),
    Row("GET", "/assets/{tank_a}/edit", OWN_EDIT),
    Row(
        "POST",
        "/assets/{tank_a}/edit",
        OWN_EDIT,
        as_json=False,
        body=lambda w: {"version": w["tank_a"].version, "substance_detail": "92#"},
        ok=302,
    ),
    Row("GET", "/assets/{pipe_a}/close", OWN_EDIT),
    Row(
        "POST",
        "/assets/{pipe_a}/close",
        OWN_EDIT,
        as_json=False,
        body=lambda w: {
            "version": w["pipe_a"].version,
            "status": "permanently_closed",
            "closed_on": "2024-05-01",
            "closure_method": "removed",
        },
        ok=302,
    ),
    # API
    Row("GET", "/api/v1/assets", ANY_USER),
    Row("POST", "/api/v1/assets", OWN_EDIT, body=_new_tank, ok=201),
    Row("GET", "/api/v1/assets/{tank_a}", OWN_VIEW),
    Row(
        "PATCH",
        "/api/v1/assets/{tank_a}",
        OWN_EDIT,
        body=lambda w: {"version": w["tank_a"].version, "operator_ref": "X9"},
    ),
    Row("GET", "/api/v1/assets/by-tag/{tank_a.tag}", OWN_VIEW),
]
