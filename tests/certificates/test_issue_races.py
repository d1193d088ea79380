"""Many requests issue from one inspection at once: one certificate, the others 409, no 500."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from registry.certificates.models import Certificate
from tests.certificates.conftest import inspect
from tests.parallel import at_once

THREADS = 8


def _setup() -> tuple[int, list[dict[str, str]]]:
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.core.creditcode import complete
    from registry.extensions import db
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization(
        {"name": "一检一证公司", "credit_code": complete("91110101555555555")}
    )
    fac = create_facility(
        {"organization_id": org.id, "name": "一检一证站", "kind": "gas_station"}, by=None
    )
    asset = create_asset({"facility_id": fac.id, "kind": "tank", "substance": "diesel"}, by=None)
    inspectors = [
        create_user(email=f"race{i}@example.cn", password="secret-pass-1", role="inspector")
        for i in range(THREADS)
    ]
    db.session.commit()
    inspection = inspect(asset, inspectors[0])
    headers = [{"Authorization": f"Bearer {issue_token(u, days=1)}"} for u in inspectors]
    db.session.commit()
    return inspection.id, headers


def test_parallel_issues_from_one_inspection_one_wins(app: Flask, committed_db: Any) -> None:
    inspection_id, headers = _setup()
    results = at_once(
        app,
        THREADS,
        lambda c, i: c.post(
            "/api/v1/certificates", json={"inspection_id": inspection_id}, headers=headers[i]
        ),
    )
    statuses = sorted(code for code, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1), results
    winner = next(body for code, body in results if code == 201)
    assert all(body["reason"] == "already_issued" for code, body in results if code == 409)
    committed_db.session.rollback()
    certs = committed_db.session.scalars(select(Certificate)).all()
    assert [(c.number, c.status) for c in certs] == [(winner["number"], "valid")]
