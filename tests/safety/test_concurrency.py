"""Concurrent edits: the version column lets exactly one of many same-version writers win."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.models import AuditEvent

THREADS = 20


def _setup(app: Flask) -> tuple[int, int, list[dict[str, str]]]:
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.core.creditcode import complete
    from registry.extensions import db
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization({"name": "并发公司", "credit_code": complete("91110101777777777")})
    fac = create_facility(
        {"organization_id": org.id, "name": "并发站", "kind": "gas_station"}, by=None
    )
    asset = create_asset({"facility_id": fac.id, "kind": "tank", "substance": "diesel"}, by=None)
    user = create_user(email="conc@example.cn", password="secret-pass-1", role="regulator")
    headers = [{"Authorization": f"Bearer {issue_token(user, days=1)}"} for _ in range(THREADS)]
    db.session.commit()
    return asset.id, asset.version, headers


def test_twenty_same_version_patches_one_wins(app: Flask, committed_db: Any) -> None:
    asset_id, version, headers = _setup(app)
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            resp = client.patch(
                f"/api/v1/assets/{asset_id}",
                json={"version": version, "substance_detail": f"writer-{i}"},
                headers=headers[i],
            )
        except Exception as exc:  # noqa: BLE001  (reported below, never hidden)
            with lock:
                results.append((599, repr(exc)))
            return
        with lock:
            results.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(code for code, _ in results)
    assert len(results) == THREADS
    assert statuses.count(200) == 1, results
    assert statuses.count(409) == THREADS - 1, [r for r in results if r[0] != 409]
    winner = next(body for code, body in results if code == 200)
    committed_db.session.rollback()  # end the test's own read snapshot before re-reading
    asset = committed_db.session.get(Asset, asset_id)
    # The stored value is the winner's, whole: nothing merged from the losers.
    assert asset.substance_detail == winner["substance_detail"]
    assert asset.version == version + 1
    for code, body in results:
        if code == 409:
            assert body["current_version"] in (version, version + 1)
    updates = committed_db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.entity == "asset",
            AuditEvent.row_id == asset_id,
            AuditEvent.action == "update",
        )
    )
    assert updates == 1
