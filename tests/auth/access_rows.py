"""Access rows for user management."""

from tests.access import ANY_USER
from tests.access import PUBLIC
from tests.access import REGULATOR_ONLY
from tests.access import Row
from tests.access import profile

ROWS = [
    Row("GET", "/users", REGULATOR_ONLY),
    Row("GET", "/users?sort=organization&dir=desc", REGULATOR_ONLY),
    Row("GET", "/users/new", REGULATOR_ONLY),
    Row(
        "POST",
        "/users/new",
        REGULATOR_ONLY,
        as_json=False,
        body={"email": "new.viewer@example.cn", "password": "long-enough-1", "role": "viewer"},
        ok=302,
    ),
    Row("GET", "/users/{users.viewer}/edit", REGULATOR_ONLY),
    Row(
        "POST",
        "/users/{users.viewer}/edit",
        REGULATOR_ONLY,
        as_json=False,
        body={"role": "viewer", "name": "改名", "active": "on"},
        ok=302,
    ),
    Row("POST", "/users/{users.viewer}/tokens/revoke", REGULATOR_ONLY, as_json=False, ok=302),
    Row("POST", "/api/v1/users/{users.viewer}/tokens/revoke", REGULATOR_ONLY),
    Row("GET", "/account", ANY_USER),
    Row(
        "POST",
        "/account/password",
        profile(operator_a=422, operator_b=422, inspector=422, regulator=422, viewer=422),
        as_json=False,
        body={"current_password": "not-my-password", "password": "long-enough-2"},
    ),
    # Nobody's token: another user's token answers the same (tests/auth/test_account.py).
    Row(
        "POST",
        "/account/tokens/987654321/revoke",
        profile(operator_a=404, operator_b=404, inspector=404, regulator=404, viewer=404),
    ),
    # Forgotten passwords: open to everyone; an unknown link answers 410 to everyone
    # (tests/auth/test_password_reset.py).
    Row("GET", "/password/forgot", PUBLIC),
    Row("POST", "/password/forgot", PUBLIC, as_json=False, body={"email": "nobody@example.cn"}),
    Row("GET", "/password/reset/not-a-real-token", profile(410, 410, 410, 410, 410, 410)),
    Row(
        "POST",
        "/password/reset/not-a-real-token",
        profile(410, 410, 410, 410, 410, 410),
        as_json=False,
        body={"password": "long-enough-3"},
    ),
]
