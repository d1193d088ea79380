"""One visit sent from many threads at once (a phone resending): stored once, numbers gap-free."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from sqlalchemy import select

from registry.visits.models import ComplianceInspection
from tests.parallel import at_once

THREADS = 6


def _setup() -> tuple[int, list[dict[str, str]]]:
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.core.creditcode import complete
    from registry.extensions import db
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization({"name": "重发公司", "credit_code": complete("91110101666666666")})
    fac = create_facility(
        {"organization_id": org.id, "name": "重发站", "kind": "gas_station"}, by=None
    )
    inspectors = [
        create_user(email=f"visit{i}@example.cn", password="secret-pass-1", role="inspector")
        for i in range(THREADS)
    ]
    db.session.commit()
    headers = [{"Authorization": f"Bearer {issue_token(u, days=1)}"} for u in inspectors]
    db.session.commit()
    return fac.id, headers


def test_one_visit_sent_at_once_is_stored_once(app: Flask, committed_db: Any) -> None:
    facility_id, headers = _setup()
    body = {
        "client_uuid": str(uuid.uuid4()),
        "performed_at": "2025-03-10T09:30:00+08:00",
        "kind": "routine",
        "violations": [{"code": "BJ-OP-01"}],
    }
    url = f"/api/v1/facilities/{facility_id}/compliance-inspections"
    results = at_once(app, THREADS, lambda c, i: c.post(url, json=body, headers=headers[i]))
    statuses = sorted(code for code, _ in results)
    assert statuses == [200] * (THREADS - 1) + [201], results
    assert len({b["id"] for _, b in results}) == 1
    committed_db.session.rollback()
    visits = committed_db.session.scalars(select(ComplianceInspection)).all()
    assert [v.number for v in visits] == ["CI-2025-000001"]
    # The next visit takes the next number: none was lost to the losers.
    other = {**body, "client_uuid": str(uuid.uuid4())}
    with app.test_client() as client:
        resp = client.post(url, json=other, headers=headers[0])
    assert resp.status_code == 201 and resp.json["number"] == "CI-2025-000002"
