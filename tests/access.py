"""The access matrix: rows of (method, url, body) with the answer each role gets.

Each domain lists its routes in `tests/<domain>/access_rows.py` as `ROWS`; the one
parametrized test in `tests/test_access_matrix.py` walks them all for every role, and
fails if a route of the app has no row.

A URL names rows of the `world` fixture in braces: `/assets/{tank_a}` (ids) and
`/t/{tank_a.tag}` (attributes). Every (row, role) expects one exact answer: an int status, or
  OK     the row's success status `ok` (200 unless the row says 201, 302, 303, ...)
  LOGIN  anonymous: on a page a 302 redirect to /login, on /api/ a 401
A refusal for the role is 403, a row hidden from the user 404; 422 only where the request
passed the access check and a service refused its data (stated per role in the row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

OK = "ok"
LOGIN = "login"
ROLES = ("anonymous", "operator_a", "operator_b", "inspector", "regulator", "viewer")


@dataclass
class Row:
    method: str
    url: str
    expect: dict[str, Any]
    body: Callable[[dict[str, Any]], Any] | dict[str, Any] | None = None
    as_json: bool = True
    id: str = field(default="")
    ok: int = 200

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.method} {self.url}: no answer for {sorted(missing)}")
        self.id = self.id or f"{self.method} {self.url}"
        # OK resolves to this row's one success status: no role's answer is a range.
        self.expect = {role: self.ok if want == OK else want for role, want in self.expect.items()}


def profile(
    anonymous: Any = LOGIN,
    operator_a: Any = OK,
    operator_b: Any = OK,
    inspector: Any = OK,
    regulator: Any = OK,
    viewer: Any = OK,
) -> dict[str, Any]:
    """Return the answers per role (defaults: logged-in users all allowed)."""
    return {
        "anonymous": anonymous,
        "operator_a": operator_a,
        "operator_b": operator_b,
        "inspector": inspector,
        "regulator": regulator,
        "viewer": viewer,
    }


PUBLIC = profile(anonymous=OK)
ANY_USER = profile()
OWN_VIEW = profile(operator_b=404)  # a row of organization A
OWN_EDIT = profile(operator_b=404, inspector=403, viewer=403)
OPERATOR_OR_REGULATOR = profile(inspector=403, viewer=403)
REGULATOR_ONLY = profile(operator_a=403, operator_b=403, inspector=403, viewer=403)
REGULATOR_OR_VIEWER = profile(operator_a=403, operator_b=403, inspector=403)
INSPECTOR_OR_REGULATOR = profile(operator_a=403, operator_b=403, viewer=403)
OWN_OR_INSPECTOR = profile(operator_b=404, viewer=403)  # operators of A, inspectors, regulators


def fill(url: str, world: dict[str, Any]) -> str:
    """Replace {name}, {a.b} with ids (or attributes) of the world's rows."""
    out = url
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        obj: Any = world
        for part in out[start + 1 : end].split("."):
            obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
        value = obj if isinstance(obj, str | int | float) else obj.id
        out = out[:start] + str(value) + out[end + 1 :]
    return out
