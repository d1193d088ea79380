"""Access rows for user management."""

from tests.access import REGULATOR_ONLY
from tests.access import Row

ROWS = [
    Row("GET", "/users", REGULATOR_ONLY),
    Row("GET", "/users/new", REGULATOR_ONLY),
    Row(
        "POST",
        "/users/new",
        REGULATOR_ONLY,
        as_json=False,
        body={"email": "new.viewer@example.cn", "password": "long-enough-1", "role": "viewer"},
    ),
    Row("GET", "/users/{users.viewer}/edit", REGULATOR_ONLY),
    Row(
        "POST",
        "/users/{users.viewer}/edit",
        REGULATOR_ONLY,
        as_json=False,
        body={"role": "viewer", "name": "改名", "active": "on"},
    ),
    Row("POST", "/users/{users.viewer}/tokens/revoke", REGULATOR_ONLY, as_json=False),
    Row("POST", "/api/v1/users/{users.viewer}/tokens/revoke", REGULATOR_ONLY),
]
