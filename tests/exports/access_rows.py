"""Access rows for exports, the import page, its templates and the import API."""

import io

from tests.access import OPERATOR_OR_REGULATOR
from tests.access import Row
from tests.access import profile

# A file download answers an anonymous caller 401 rather than the log-in page. Operators
# export their own organization's rows (both get 200: the export is scoped, not refused).
FILE_EXPORT = profile(anonymous=401, inspector=403)
IMPORT = profile(operator_b=422, inspector=403, viewer=403)
FILE_TEMPLATE = profile(anonymous=401, inspector=403, viewer=403)


def _file(world):  # type: ignore[no-untyped-def]
    text = f"facility_id,kind,operator_ref,substance\n{world['fac_a'].id},tank,ACC-1,diesel\n"
    return {"file": (io.BytesIO(text.encode()), "tanks.csv")}


ROWS = [
    *[
        Row("GET", f"/exports/{name}.{fmt}", FILE_EXPORT)
        for name in ("assets", "facilities")
        for fmt in ("csv", "xlsx", "geojson")
    ],
    Row("GET", "/imports", OPERATOR_OR_REGULATOR),
    Row("GET", "/imports/template.csv", FILE_TEMPLATE),
    Row("GET", "/imports/template.xlsx", FILE_TEMPLATE),
    # operator_b gets 422 at the facility_id cell: organization A's facility does not exist
    # for them (an id in the body, not in the URL; tests/auth/test_cross_org_writes.py)
    Row("POST", "/imports", IMPORT, body=_file, as_json=False),
    Row("POST", "/api/v1/imports", IMPORT, body=_file, as_json=False, ok=201),
]
