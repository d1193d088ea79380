"""Numbers are unique and without gaps per year, even when many inspectors issue at once."""

from __future__ import annotations

import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from registry.certificates.models import Certificate
from registry.certificates.numbering import format_number
from tests.certificates.conftest import inspect

THREADS = 12


def _setup(app: Flask) -> tuple[list[int], list[dict[str, str]], int]:
    """Return an inspection to certify per thread, the threads' headers, and numbers taken.

    Every inspection is its asset's latest (only the latest gives a certificate); half the
    assets already hold a certificate from an earlier inspection, which the new one supersedes.
    """
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.certificates.services import issue_certificate
    from registry.core.creditcode import complete
    from registry.extensions import db
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization(
        {"name": "并发证书公司", "credit_code": complete("91110101888888888")}
    )
    fac = create_facility(
        {"organization_id": org.id, "name": "并发加油站", "kind": "gas_station"}, by=None
    )
    assets = [
        create_asset({"facility_id": fac.id, "kind": "tank", "substance": "diesel"}, by=None)
        for _ in range(THREADS)
    ]
    inspectors = [
        create_user(email=f"insp{i}@example.cn", password="secret-pass-1", role="inspector")
        for i in range(THREADS)
    ]
    db.session.commit()
    earlier = datetime.now(UTC) - timedelta(days=2)
    taken = THREADS // 2
    for i in range(taken):
        issue_certificate(
            inspect(assets[i], inspectors[i], performed_at=earlier), issued_by=inspectors[i]
        )
        db.session.commit()
    inspections = [inspect(assets[i], inspectors[i]) for i in range(THREADS)]
    headers = [{"Authorization": f"Bearer {issue_token(u, days=1)}"} for u in inspectors]
    db.session.commit()
    return [i.id for i in inspections], headers, taken


def test_concurrent_issues_number_one_to_n(app: Flask, committed_db: Any) -> None:
    inspection_ids, headers, taken = _setup(app)
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            resp = client.post(
                "/api/v1/certificates",
                json={"inspection_id": inspection_ids[i]},
                headers=headers[i],
            )
            outcome: tuple[int, Any] = (resp.status_code, resp.get_json())
        except Exception as exc:  # noqa: BLE001  (reported below, never hidden)
            outcome = (599, repr(exc))
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(code for code, _ in results) == [201] * THREADS, results
    numbers = sorted(body["number"] for _, body in results)
    year = int(numbers[0].split("-")[1])
    assert numbers == [format_number("DC", year, n) for n in range(taken + 1, taken + THREADS + 1)]
    committed_db.session.expire_all()
    certs = committed_db.session.scalars(select(Certificate)).all()
    assert sorted(c.number for c in certs if c.number in numbers) == numbers
    # Each asset ends with exactly one valid certificate; an earlier one is superseded by it.
    by_asset: dict[int, list[str]] = {}
    for c in certs:
        by_asset.setdefault(c.asset_id, []).append(c.status)
    statuses = sorted(sorted(s) for s in by_asset.values())
    assert statuses == [["superseded", "valid"]] * taken + [["valid"]] * (THREADS - taken)
