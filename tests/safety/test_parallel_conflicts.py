"""Parallel red tags and lifts on one asset, parallel filings of one facility: one wins, 409s."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from registry.enforcement.models import RedTag
from tests.parallel import at_once

THREADS = 8


def _setup() -> tuple[int, int, list[dict[str, str]], list[dict[str, str]]]:
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.core.creditcode import complete
    from registry.extensions import db
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization(
        {"name": "红牌并发公司", "credit_code": complete("91110101666666666")}
    )
    fac = create_facility(
        {"organization_id": org.id, "name": "红牌并发站", "kind": "gas_station"}, by=None
    )
    asset = create_asset({"facility_id": fac.id, "kind": "tank", "substance": "diesel"}, by=None)
    inspector = create_user(email="rt@example.cn", password="secret-pass-1", role="inspector")
    operator = create_user(
        email="op-rt@example.cn", password="secret-pass-1", role="operator", organization=org
    )
    db.session.commit()
    insp = [{"Authorization": f"Bearer {issue_token(inspector, days=1)}"} for _ in range(THREADS)]
    ops = [{"Authorization": f"Bearer {issue_token(operator, days=1)}"} for _ in range(THREADS)]
    db.session.commit()
    return asset.id, fac.id, insp, ops


def test_parallel_red_tags_one_wins(app: Flask, committed_db: Any) -> None:
    asset_id, _fac, headers, _ops = _setup()
    results = at_once(
        app,
        THREADS,
        lambda c, i: c.post(
            f"/api/v1/assets/{asset_id}/red-tag", json={"reason": f"r{i}"}, headers=headers[i]
        ),
    )
    statuses = sorted(code for code, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1), results
    committed_db.session.rollback()
    count = committed_db.session.scalar(
        select(func.count()).select_from(RedTag).where(RedTag.asset_id == asset_id)
    )
    assert count == 1


def test_parallel_filings_one_wins(app: Flask, committed_db: Any) -> None:
    _asset, fac_id, _insp, headers = _setup()
    results = at_once(
        app,
        THREADS,
        lambda c, i: c.post(f"/api/v1/facilities/{fac_id}/filings", json={}, headers=headers[i]),
    )
    statuses = sorted(code for code, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1), results


def test_parallel_lifts_one_wins(app: Flask, committed_db: Any) -> None:
    asset_id, _fac, headers, _ops = _setup()
    first = app.test_client().post(
        f"/api/v1/assets/{asset_id}/red-tag", json={"reason": "渗漏"}, headers=headers[0]
    )
    assert first.status_code == 201
    results = at_once(
        app,
        THREADS,
        lambda c, i: c.delete(f"/api/v1/assets/{asset_id}/red-tag", headers=headers[i]),
    )
    statuses = sorted(code for code, _ in results)
    assert statuses == [200] + [409] * (THREADS - 1), results
    committed_db.session.rollback()
    tag = committed_db.session.scalar(select(RedTag).where(RedTag.asset_id == asset_id))
    assert tag.lifted_at is not None
