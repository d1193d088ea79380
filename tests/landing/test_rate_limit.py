"""Unknown tags are rate limited per client so tags cannot be enumerated; real tags never are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry import create_app
from registry.extensions import db as _db
from tests.conftest import make_config


@pytest.fixture
def limited_app(db_location: tuple[Path, str, str | None], committed_db: Any) -> Iterator[Flask]:
    """An app with rate limits on and at most 3 unknown-tag look-ups a minute."""
    tmp, url, schema = db_location
    application = create_app(
        make_config(tmp, url, schema, RATELIMIT_ENABLED=True, TAG_MISS_RATE_LIMIT="3 per minute")
    )
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _tag(app: Flask) -> str:
    from registry.assets.services import create_asset
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    with app.app_context():
        org = create_organization(
            {"name": "限流公司", "credit_code": complete("91110101777777777")}
        )
        fac = create_facility(
            {"organization_id": org.id, "name": "限流加油站", "kind": "gas_station"}, by=None
        )
        asset = create_asset(
            {"facility_id": fac.id, "kind": "tank", "substance": "diesel", "status": "in_service"},
            by=None,
        )
        _db.session.commit()
        return asset.tag


def test_unknown_tags_hit_the_limit_real_tags_do_not(limited_app: Flask) -> None:
    tag = _tag(limited_app)
    client = limited_app.test_client()
    misses = [client.get(f"/t/ZZZZZZZZZZZ{n}").status_code for n in range(3)]
    assert misses == [404, 404, 404]
    refused = client.get("/t/ZZZZ-ZZZZ-ZZZZ", headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    html = refused.get_data(as_text=True)
    assert 'data-status-code="429"' in html and "请求过于频繁" in html
    # a real tag still answers, however often it is scanned
    assert {client.get(f"/t/{tag}").status_code for _ in range(10)} == {200}
    assert client.get(f"/t/{tag.lower()}").status_code == 301
    # another client is not affected
    other = client.get("/t/ZZZZZZZZZZZ0", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_real_tags_do_not_use_up_the_allowance(limited_app: Flask) -> None:
    tag = _tag(limited_app)
    client = limited_app.test_client()
    for _ in range(20):
        assert client.get(f"/t/{tag}").status_code == 200
    assert [client.get(f"/t/ZZZZZZZZZZZ{n}").status_code for n in range(4)] == [404, 404, 404, 429]
