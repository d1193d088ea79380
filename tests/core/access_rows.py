"""Access rows for the core pages."""

from tests.access import ANY_USER
from tests.access import PUBLIC
from tests.access import Row
from tests.access import profile

ROWS = [
    # Logged in, the front page and the log-in page send the user on to their dashboard.
    Row("GET", "/", profile(200, 302, 302, 302, 302, 302)),
    Row("POST", "/language", PUBLIC, body={"locale": "en"}, as_json=False, ok=302),
    Row("GET", "/healthz", PUBLIC),
    Row("GET", "/login", profile(200, 302, 302, 302, 302, 302)),
    Row(
        "POST",
        "/login",
        profile(
            anonymous=401, operator_a=401, operator_b=401, inspector=401, regulator=401, viewer=401
        ),
        body={"email": "nobody@example.cn", "password": "wrong-password"},
        as_json=False,
    ),
    Row("GET", "/logout", profile(302, 302, 302, 302, 302, 302)),
    Row("POST", "/logout", profile(302, 302, 302, 302, 302, 302)),
    Row("GET", "/api/v1/openapi.json", PUBLIC),
    Row(
        "POST",
        "/api/v1/auth/token",
        profile(
            anonymous=401, operator_a=401, operator_b=401, inspector=401, regulator=401, viewer=401
        ),
        body={"email": "nobody@example.cn", "password": "wrong-password"},
    ),
    Row(
        "DELETE",
        "/api/v1/auth/token",
        profile(operator_a=400, operator_b=400, inspector=400, regulator=400, viewer=400),
    ),
]
_ = ANY_USER
