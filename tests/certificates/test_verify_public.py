"""The verification page of a red-tagged asset says deliveries are prohibited; unknown numbers
count against the client like unknown tags (one shared allowance), real numbers never do."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from registry.extensions import db as _db
from tests.certificates.conftest import inspect
from tests.landing.test_rate_limit import limited_app  # noqa: F401  (the fixture)


def _red_tagged(resp: Any) -> str:
    found = re.search(r'<main[^>]*data-red-tagged="([a-z]+)"', resp.get_data(as_text=True))
    assert found, resp.get_data(as_text=True)[:500]
    return found.group(1)


def test_red_tagged_asset_verification_says_deliveries_are_prohibited(
    client: Any, world: dict[str, Any], issue: Any, api_headers: Any
) -> None:
    cert = issue(world["pipe_a"])
    before = client.get(f"/c/{cert.number}")
    assert _red_tagged(before) == "false" and "red-tag-banner" not in before.get_data(as_text=True)
    placed = client.post(
        f"/api/v1/assets/{world['pipe_a'].id}/red-tag",
        json={"reason": "渗漏"},
        headers=api_headers(world["users"]["inspector"]),
    )
    assert placed.status_code == 201
    for lang, words in (("zh-CN", "禁止卸油"), ("en", "DELIVERY PROHIBITED")):
        page = client.get(f"/c/{cert.number}", headers={"Accept-Language": lang})
        assert page.status_code == 200
        assert _red_tagged(page) == "true"
        html = page.get_data(as_text=True)
        # The certificate itself is still genuine and in force; the red tag overrides it.
        assert 'data-status="valid"' in html
        assert words in html and "red-tag-banner" in html
    lifted = client.delete(
        f"/api/v1/assets/{world['pipe_a'].id}/red-tag",
        headers=api_headers(world["users"]["regulator"]),
    )
    assert lifted.status_code == 200
    assert _red_tagged(client.get(f"/c/{cert.number}")) == "false"


def test_unknown_number_page_is_not_red_tagged(client: Any, db: Any) -> None:
    resp = client.get("/c/DC-2026-999998")
    assert resp.status_code == 404 and _red_tagged(resp) == "false"


def _certificate(app: Flask) -> tuple[str, str]:
    """Issue a certificate in the limited app; return its number and an inspector's token."""
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.certificates.services import issue_certificate
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    with app.app_context():
        org = create_organization(
            {"name": "限流证书公司", "credit_code": complete("91110101444444444")}
        )
        fac = create_facility(
            {"organization_id": org.id, "name": "限流证书站", "kind": "gas_station"}, by=None
        )
        asset = create_asset(
            {"facility_id": fac.id, "kind": "tank", "substance": "diesel", "status": "in_service"},
            by=None,
        )
        inspector = create_user(email="lim@example.cn", password="secret-pass-1", role="inspector")
        _db.session.commit()
        cert = issue_certificate(inspect(asset, inspector), issued_by=inspector)
        token = issue_token(inspector, days=1)
        _db.session.commit()
        return cert.number, token


def test_unknown_numbers_hit_the_limit_real_ones_do_not(limited_app: Flask) -> None:  # noqa: F811
    number, _token = _certificate(limited_app)
    client = limited_app.test_client()
    for _ in range(10):
        assert client.get(f"/c/{number}").status_code == 200
    misses = [client.get(f"/c/DC-2026-99999{n}").status_code for n in range(3)]
    assert misses == [404, 404, 404]
    refused = client.get("/c/DC-2026-999990", headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "不存在的证书编号" in refused.get_data(as_text=True)
    # The allowance is shared with tags: no more guesses at /t/ either.
    assert client.get("/t/ZZZZ-ZZZZ-ZZZZ").status_code == 429
    # A real number still answers, and another client is not affected.
    assert client.get(f"/c/{number}").status_code == 200
    other = client.get("/c/DC-2026-999990", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_api_unknown_numbers_count_as_misses(limited_app: Flask) -> None:  # noqa: F811
    number, token = _certificate(limited_app)
    client = limited_app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    statuses = [
        client.get(f"/api/v1/certificates/DC-2026-99999{n}", headers=headers).status_code
        for n in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    refused = client.get("/api/v1/certificates/DC-2026-999990", headers=headers)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert refused.get_json()["message"] == "Too many unknown certificate numbers were looked up."
    assert client.get(f"/api/v1/certificates/{number}", headers=headers).status_code == 200
