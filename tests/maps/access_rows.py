"""Access rows for receptors and the map's features."""

from tests.access import ANY_USER
from tests.access import REGULATOR_ONLY
from tests.access import Row
from tests.access import profile


def _receptor(world):  # type: ignore[no-untyped-def]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [116.40, 39.90]},
        "properties": {"kind": "school", "name": "一小"},
    }


ROWS = [
    Row("GET", "/api/v1/receptors", ANY_USER),
    Row("POST", "/api/v1/receptors", REGULATOR_ONLY, body=_receptor, ok=201),
    Row("GET", "/api/v1/map/features", ANY_USER),
    Row(
        "GET",
        "/api/v1/map/features?bbox=116.3,39.8,116.5,40.0&layers=facilities,receptors",
        ANY_USER,
    ),
    Row(
        "GET",
        "/api/v1/map/features?bbox=116.5,39.8,116.3",
        profile(operator_a=422, operator_b=422, inspector=422, regulator=422, viewer=422),
        id="GET /api/v1/map/features malformed bbox",
    ),
]

ROWS.append(Row("GET", "/map", ANY_USER))
