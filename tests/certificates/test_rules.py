"""Which inspection gives a certificate: the latest, once, not after a revocation, in its time."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.certificates.models import Certificate
from registry.certificates.validity import validity_months
from registry.extensions import db

NOW = datetime.now(UTC)


def _post(client: Any, inspection: Any, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    resp = client.post(
        "/api/v1/certificates",
        json={"inspection_id": inspection.id},
        headers={**headers, "Accept-Language": "en"},
    )
    return resp.status_code, resp.get_json()


def _count(asset: Any) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Certificate).where(Certificate.asset_id == asset.id)
    )


def test_only_the_latest_inspection_gives_a_certificate(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    pipe = world["pipe_a"]
    h = api_headers(world["users"]["inspector"])
    older = passed_inspection(pipe, performed_at=NOW - timedelta(days=3))
    newer = passed_inspection(pipe, performed_at=NOW - timedelta(days=1))
    status, body = _post(client, older, h)
    assert status == 422 and body["reason"] == "not_latest", body
    assert "only the latest one" in body["message"]
    # An inspection synced late but performed earlier does not become the latest.
    late_sync = passed_inspection(pipe, performed_at=NOW - timedelta(days=2))
    assert _post(client, late_sync, h)[1]["reason"] == "not_latest"
    assert _post(client, newer, h)[0] == 201
    # A failed inspection after the pass: the pass is no longer the latest.
    failed = passed_inspection(pipe, result="fail")
    status, body = _post(client, newer, h)
    assert status == 409 and body["reason"] == "already_issued"
    status, body = _post(client, failed, h)
    assert status == 422 and "inspection_failed" in body["reason"]
    assert _count(pipe) == 1


def test_a_second_certificate_from_one_inspection_is_refused(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    pipe = world["pipe_a"]
    inspection = passed_inspection(pipe)
    status, first = _post(client, inspection, api_headers(world["users"]["inspector"]))
    assert status == 201
    status, body = _post(client, inspection, api_headers(world["users"]["regulator"]))
    assert status == 409 and body["reason"] == "already_issued", body
    assert body["number"] == first["number"] and first["number"] in body["message"]
    assert _count(pipe) == 1


def test_the_button_refuses_a_second_certificate_with_409(
    client: Any, world: dict[str, Any], passed_inspection: Any
) -> None:
    inspection = passed_inspection(world["pipe_a"])
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["inspector"].id)
        sess["_fresh"] = True
    assert client.post(f"/inspections/{inspection.id}/certificate").status_code == 303
    again = client.post(
        f"/inspections/{inspection.id}/certificate", headers={"Accept-Language": "zh-CN"}
    )
    assert again.status_code == 409
    assert "已根据此次检查签发" in again.get_data(as_text=True)


def test_no_certificate_after_a_revocation_until_a_new_inspection(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    pipe = world["pipe_a"]
    h = api_headers(world["users"]["regulator"])
    inspection = passed_inspection(pipe, performed_at=NOW - timedelta(days=2))
    status, cert = _post(client, inspection, h)
    assert status == 201
    revoked = client.post(
        f"/api/v1/certificates/{cert['number']}/revoke", json={"reason": "渗漏"}, headers=h
    )
    assert revoked.status_code == 200
    status, body = _post(client, inspection, h)
    assert status == 422 and body["reason"] == "revoked_since", body
    assert "new passing inspection" in body["message"]
    # Performed before the revocation, stored after it (an offline queue): not a new check.
    queued = passed_inspection(pipe, performed_at=NOW - timedelta(days=1))
    status, body = _post(client, queued, h)
    assert status == 422 and body["reason"] == "revoked_since"
    fresh = passed_inspection(pipe, performed_at=datetime.now(UTC))
    status, body = _post(client, fresh, h)
    assert status == 201 and body["status"] == "valid"
    assert _count(pipe) == 2


def test_no_certificate_from_an_inspection_before_installation(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    pipe = world["pipe_a"]
    pipe.installed_on = date.today() - timedelta(days=5)
    db.session.commit()
    early = passed_inspection(pipe, performed_at=NOW - timedelta(days=30))
    status, body = _post(client, early, api_headers(world["users"]["inspector"]))
    assert status == 422 and body["reason"] == "before_installation", body
    assert "before the asset was installed" in body["message"]
    assert _count(pipe) == 0


def test_no_certificate_from_an_inspection_older_than_the_validity(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    pipe = world["pipe_a"]
    h = api_headers(world["users"]["inspector"])
    days = validity_months() * 31 + 5  # certainly past the validity in months
    stale = passed_inspection(pipe, performed_at=NOW - timedelta(days=days))
    status, body = _post(client, stale, h)
    assert status == 422 and body["reason"] == "inspection_too_old", body
    assert f"({validity_months()} months)" in body["message"]
    recent = passed_inspection(pipe, performed_at=NOW - timedelta(days=300))
    assert _post(client, recent, h)[0] == 201
