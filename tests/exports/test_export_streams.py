"""Exports stream whole after the request's session has ended, with a cookie or a token.

As on a server, and unlike the suite's usual fixtures: the data is committed, and a request
runs with no app context around it (a plain FlaskClient), so the request's teardown ends its
transaction and removes its session, expiring and detaching the user, before the first chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.core.creditcode import complete
from registry.extensions import db
from registry.sites.models import Organization
from tests.conftest import _truncate_all
from tests.helpers import read_export

URLS = [
    f"/exports/{name}.{fmt}"
    for name in ("assets", "facilities")
    for fmt in ("csv", "xlsx", "geojson")
]


@pytest.fixture
def committed_world(app: Flask) -> Iterator[dict[str, Any]]:
    """Two organizations with a facility, a tank and a pipeline each; a user per role; tokens
    (committed; every table emptied afterwards)."""
    _truncate_all(app)
    with app.app_context():
        world = _build_world()
    yield world
    _truncate_all(app)


def _build_world() -> dict[str, Any]:
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    world: dict[str, Any] = {"assets": {}, "facilities": {}}
    for n, key in enumerate(("a", "b"), 701):
        org = create_organization(
            {
                "name": f"导出单位{key}",
                "credit_code": complete(f"91110101{n:09d}"),
                "contact_email": f"{key}@stream.cn",
            }
        )
        facility = create_facility(
            {
                "organization_id": org.id,
                "name": f"导出加油站{key}",
                "kind": "gas_station",
                "address": "北京市东城区测试路2号",
                "subdistrict": "东直门街道",
                "latitude": 39.94,
                "longitude": 116.43,
                "key_supervised": False,
                "status": "active",
            },
            by=None,
        )
        world[f"org_{key}"] = org.id
        world["facilities"][facility.id] = org.id
        for kind, extra in (
            ("tank", {"capacity_litres": 30000.0}),
            ("pipeline", {"piping_type": "suction", "length_m": 12.0, "diameter_mm": 50.0}),
        ):
            asset = create_asset(
                {
                    "facility_id": facility.id,
                    "kind": kind,
                    "operator_ref": f"{key}-{kind}",
                    "substance": "diesel",
                    "status": "in_service",
                    "installed_on": date(2019, 3, 1),
                    "wall": "double",
                    "material": "frp",
                    "anti_seepage": "double_wall",
                    "corrosion_protection": "none",
                    "leak_detection": ["interstitial"],
                    **extra,
                },
                by=None,
            )
            world["assets"][asset.id] = org.id
    users = {
        "viewer": create_user(email="v@stream.cn", password="secret-pass-1", role="viewer"),
        "regulator": create_user(email="r@stream.cn", password="secret-pass-1", role="regulator"),
        "inspector": create_user(email="i@stream.cn", password="secret-pass-1", role="inspector"),
    }
    users["operator_a"] = create_user(
        email="o@stream.cn",
        password="secret-pass-1",
        role="operator",
        organization=db.session.get(Organization, world["org_a"]),
    )
    world["users"] = {role: user.id for role, user in users.items()}
    world["tokens"] = {role: issue_token(user, days=1) for role, user in users.items()}
    db.session.commit()
    db.session.remove()
    return world


def _client(app: Flask, world: dict[str, Any], role: str, auth: str) -> tuple[Any, dict[str, str]]:
    """A client logged in by session cookie, or a client and its bearer header."""
    client = FlaskClient(app, app.response_class, use_cookies=True)
    if auth == "token":
        return client, {"Authorization": f"Bearer {world['tokens'][role]}"}
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"][role])
        sess["_fresh"] = True
    return client, {}


def _stream(client: Any, url: str, headers: dict[str, str]) -> bytes:
    resp = client.get(url, headers=headers, buffered=False)
    assert resp.status_code == 200, url
    assert resp.is_streamed, url
    try:
        return b"".join(resp.response)  # every chunk, as a server sends them
    finally:
        resp.close()


@pytest.mark.parametrize("auth", ["cookie", "token"])
@pytest.mark.parametrize("role", ["viewer", "regulator"])
def test_every_export_streams_whole(
    app: Flask, committed_world: dict[str, Any], auth: str, role: str
) -> None:
    client, headers = _client(app, committed_world, role, auth)
    for url in URLS:
        rows = read_export(url, _stream(client, url, headers))
        expected = committed_world["assets" if "/assets." in url else "facilities"]
        assert sorted(int(r["id"]) for r in rows) == sorted(expected), url
        assert all(r["compliance"] in ("ok", "due_soon", "overdue") for r in rows), url
        if url.endswith(".geojson"):
            point = {"type": "Point", "coordinates": [116.43, 39.94]}
            assert all(r["geometry"] == point for r in rows), url


@pytest.mark.parametrize("auth", ["cookie", "token"])
def test_operators_export_their_own_organization(
    app: Flask, committed_world: dict[str, Any], auth: str
) -> None:
    client, headers = _client(app, committed_world, "operator_a", auth)
    own = committed_world["org_a"]
    other = committed_world["org_b"]
    for url in URLS:
        kind = "assets" if "/assets." in url else "facilities"
        mine = sorted(k for k, org in committed_world[kind].items() if org == own)
        rows = read_export(url, _stream(client, url, headers))
        assert sorted(int(r["id"]) for r in rows) == mine, url
        assert {int(r["organization_id"]) for r in rows} == {own}, url
        # Asking for another organization's rows by filter finds nothing, not them.
        rows = read_export(url, _stream(client, f"{url}?organization_id={other}", headers))
        assert rows == [], url


@pytest.mark.parametrize("auth", ["cookie", "token"])
def test_inspectors_may_not_export(app: Flask, committed_world: dict[str, Any], auth: str) -> None:
    client, headers = _client(app, committed_world, "inspector", auth)
    for url in URLS:
        assert client.get(url, headers=headers).status_code == 403, url


def _checked_out(app: Flask) -> int:
    with app.app_context():
        return int(db.engine.pool.checkedout())  # type: ignore[attr-defined]


def test_a_stream_gives_its_connection_back_read_whole_or_abandoned(
    app: Flask, committed_world: dict[str, Any]
) -> None:
    client, headers = _client(app, committed_world, "viewer", "token")
    before = _checked_out(app)
    _stream(client, "/exports/assets.csv", headers)
    assert _checked_out(app) == before
    # A client that goes away mid-stream: the header, one feature (read from the database
    # by then), and the response is closed, as a server does when the socket drops.
    resp = client.get("/exports/assets.geojson", headers=headers, buffered=False)
    chunks = iter(resp.response)
    assert next(chunks).startswith(b'{"type": "FeatureCollection"')
    assert b'"Feature"' in next(chunks)
    assert _checked_out(app) == before + 1
    resp.close()
    assert _checked_out(app) == before
