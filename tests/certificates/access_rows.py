"""Access rows for certificates: public verification, pages, PDFs, issue, revoke, API."""

from tests.access import ANY_USER
from tests.access import OWN_VIEW
from tests.access import PUBLIC
from tests.access import Row
from tests.access import profile

# A PDF asked for without a session answers 401 (programs use a bearer token).
OWN_PDF = profile(anonymous=401, operator_b=404)
ISSUE_PAGE = profile(operator_a=403, operator_b=404, viewer=403)
# Operators and viewers never issue: 403 before the inspection in the body is even looked up.
ISSUE_API = profile(operator_a=403, operator_b=403, viewer=403)
REVOKE = profile(operator_a=403, operator_b=404, inspector=403, viewer=403)

ROWS = [
    Row("GET", "/c/{cert_a.number}", PUBLIC),
    Row("GET", "/certificates", ANY_USER),
    Row("GET", "/certificates?sort=valid_until&dir=asc", ANY_USER),
    Row("GET", "/certificates?q=DC&status=valid", ANY_USER),
    Row("GET", "/certificates/{cert_a.number}", OWN_VIEW),
    Row("GET", "/certificates/{cert_a.number}.pdf", OWN_PDF),
    Row("GET", "/facilities/{fac_a}/certificates.pdf", OWN_PDF, ok=302),
    Row(
        "POST",
        "/inspections/{inspection_pass}/certificate",
        ISSUE_PAGE,
        as_json=False,
        body={},
        ok=303,
    ),
    Row(
        "POST",
        "/certificates/{cert_a.number}/revoke",
        REVOKE,
        as_json=False,
        body={"reason": "Tank found leaking"},
        ok=303,
    ),
    # API
    Row("GET", "/api/v1/certificates", ANY_USER),
    Row(
        "POST",
        "/api/v1/certificates",
        ISSUE_API,
        body=lambda w: {"inspection_id": w["inspection_pass"].id},
        ok=201,
    ),
    Row("GET", "/api/v1/certificates/{cert_a.number}", OWN_VIEW),
    Row(
        "POST",
        "/api/v1/certificates/{cert_a.number}/revoke",
        REVOKE,
        body={"reason": "Tank found leaking"},
    ),
]
