"""Access rows for filings, data-quality lists and the dashboard, pages and API."""

from tests.access import ANY_USER
from tests.access import OWN_VIEW
from tests.access import REGULATOR_OR_VIEWER
from tests.access import Row
from tests.access import profile

# Submitting: operators of the facility's organization and regulators.
SUBMIT = profile(operator_b=404, inspector=403, viewer=403)
# Reviewing: regulators only; another organization's operator does not learn the filing exists.
REVIEW = profile(operator_a=403, operator_b=404, inspector=403, viewer=403)
# fac_a already has a filing waiting (the world's filing_a): a second one is refused.
SUBMIT_WHILE_WAITING = profile(
    operator_a=409, operator_b=404, inspector=403, regulator=409, viewer=403
)

ROWS = [
    Row("GET", "/filings", ANY_USER),
    Row("GET", "/filings?sort=-problems", ANY_USER),
    Row("GET", "/filings?status=submitted", ANY_USER),
    Row("GET", "/filings/{filing_a}", OWN_VIEW),
    Row("POST", "/filings/{filing_a}/accept", REVIEW, body={}, as_json=False, ok=302),
    Row(
        "POST",
        "/filings/{filing_a}/return",
        REVIEW,
        body={"comment": "请补充"},
        as_json=False,
        ok=302,
    ),
    Row("GET", "/facilities/{fac_a}/filings/new", SUBMIT),
    Row("POST", "/facilities/{fac_a}/filings/new", SUBMIT_WHILE_WAITING, body={}, as_json=False),
    Row("GET", "/quality", ANY_USER),
    Row("GET", "/quality?code=missing_capacity", ANY_USER),
    Row("GET", "/dashboard", REGULATOR_OR_VIEWER),
    # API
    Row("GET", "/api/v1/filings", ANY_USER),
    Row("GET", "/api/v1/facilities/{fac_a}/filings", OWN_VIEW),
    Row(
        "POST",
        "/api/v1/facilities/{fac_b}/filings",
        profile(operator_a=404, inspector=403, viewer=403),
        body={},
        ok=201,
    ),
    Row("GET", "/api/v1/filings/{filing_a}", OWN_VIEW),
    Row("POST", "/api/v1/filings/{filing_a}/accept", REVIEW, body={}),
    Row("POST", "/api/v1/filings/{filing_a}/return", REVIEW, body={"comment": "请补充"}),
    Row("GET", "/api/v1/assets/{tank_a}/quality", OWN_VIEW),
]
