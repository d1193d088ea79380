"""One parametrized test over every route × role: the access policy as a table."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import tests
from tests.access import LOGIN
from tests.access import ROLES
from tests.access import Row
from tests.access import fill
from tests.helpers import log_in


def _collect_rows() -> list[Row]:
    rows: list[Row] = []
    root = Path(tests.__file__).parent
    for info in pkgutil.iter_modules([str(root)]):
        if info.ispkg and (root / info.name / "access_rows.py").exists():
            module = importlib.import_module(f"tests.{info.name}.access_rows")
            rows.extend(module.ROWS)
    return rows


ROWS = _collect_rows()
# Routes that need no row: framework plumbing.
UNLISTED = {"static", "api-docs.openapi_json"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_access(row: Row, role: str, client: Any, world: dict[str, Any]) -> None:
    if role != "anonymous":
        log_in(client, world["users"][role])
    url = fill(row.url, world)
    body = row.body(world) if callable(row.body) else row.body
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs["json" if row.as_json else "data"] = body
    resp = client.open(url, method=row.method, **kwargs)
    expected = row.expect[role]
    got = resp.status_code
    shown = f"{role} {row.id}: {got} {resp.get_data()[:300]!r}"
    if expected == LOGIN:
        if url.startswith("/api/"):
            assert got == 401, shown
        else:
            assert got == 302 and "/login" in resp.headers["Location"], shown
    else:
        assert got == expected, shown
        if got in (301, 302, 303) and not url.startswith("/logout"):
            # a success redirect, not a log-in bounce (logging out ends on the log-in page)
            assert "/login" not in resp.headers["Location"], shown


def test_every_route_has_a_row(app: Any) -> None:
    adapter = app.url_map.bind("registry.test")
    covered: set[tuple[str, str]] = set()
    for row in ROWS:
        path = row.url.split("?")[0]
        for _brace in range(path.count("{")):
            start = path.index("{")
            path = (
                path[:start]
                + ("1" if "tag" not in path[start : path.index("}")] else "0000-0000-0000")
                + path[path.index("}") + 1 :]
            )
        try:
            endpoint, _ = adapter.match(path, method=row.method)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"row {row.id} matches no route: {exc}")
        covered.add((endpoint, row.method))
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNLISTED:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access-matrix row:\n" + "\n".join(missing)


REFUSED = [
    (row, role)
    for row in ROWS
    if row.method in ("POST", "PATCH", "PUT", "DELETE")
    for role in ROLES
    if row.expect[role] == 403
]


@pytest.mark.parametrize(
    ("row", "role"), REFUSED, ids=[f"{row.id}-{role}" for row, role in REFUSED]
)
def test_a_refusal_comes_before_validation(
    row: Row, role: str, client: Any, world: dict[str, Any]
) -> None:
    """A role that may not do this gets 403 with an empty body too, never a 422 about it."""
    log_in(client, world["users"][role])
    url = fill(row.url, world)
    resp = client.open(url, method=row.method, **({"json": {}} if row.as_json else {"data": {}}))
    assert resp.status_code == 403, f"{role} {row.id}: {resp.status_code} {resp.get_data()[:300]!r}"
