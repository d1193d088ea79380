"""One parametrized test over every route × role: the access policy as a table."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import tests
from tests.access import LOGIN
from tests.access import OK
from tests.access import ROLES
from tests.access import Row
from tests.access import fill


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


def _login(client: Any, user: Any) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_access(row: Row, role: str, client: Any, world: dict[str, Any]) -> None:
    if role != "anonymous":
        _login(client, world["users"][role])
    url = fill(row.url, world)
    body = row.body(world) if callable(row.body) else row.body
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs["json" if row.as_json else "data"] = body
    resp = client.open(url, method=row.method, **kwargs)
    expected = row.expect[role]
    got = resp.status_code
    is_api = url.startswith("/api/")
    if expected == LOGIN:
        if is_api:
            assert got == 401, f"{role} {row.id}: {got}"
        else:
            assert got in (302, 303) and "/login" in resp.headers["Location"], (
                f"{role} {row.id}: {got}"
            )
    elif expected == OK:
        to_login = got in (302, 303) and "/login" in resp.headers.get("Location", "")
        assert (200 <= got < 400 or got == 422) and not to_login, (
            f"{role} {row.id}: {got} {resp.get_data(as_text=True)[:300]}"
        )
    else:
        assert got == expected, f"{role} {row.id}: {got} {resp.get_data(as_text=True)[:300]}"


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
