"""The public verification page and the API verdict: valid, expired, revoked, superseded,
not found, and rows changed behind the application's back."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from registry.certificates.models import Certificate
from tests.helpers import log_in
from tests.helpers import shown


def _status(resp: Any) -> str:
    found = re.search(r'<main[^>]*data-status="([a-z]+)"', resp.get_data(as_text=True))
    assert found, resp.get_data(as_text=True)[:500]
    return found.group(1)


def _api_status(client: Any, number: str, headers: dict[str, str]) -> str:
    resp = client.get(f"/api/v1/certificates/{number}", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return str(resp.get_json()["status"])


def _sql(db: Any, statement: str, **params: Any) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()


def test_valid_certificate_is_public_and_matches_the_paper(
    client: Any, world: dict[str, Any], issue: Any
) -> None:
    cert = issue(world["pipe_a"])
    resp = client.get(f"/c/{cert.number}")
    assert resp.status_code == 200
    assert _status(resp) == "valid"
    page = resp.get_data(as_text=True)
    assert "有效" in page and "VALID" in page
    assert "甲加油站" in page and cert.number in page
    assert shown(cert.valid_until) in page
    assert "-".join(re.findall(".{4}", cert.asset_tag)) in page


def test_unknown_number_is_not_found(client: Any, db: Any) -> None:
    resp = client.get("/c/DC-2026-999999")
    assert resp.status_code == 404
    assert _status(resp) == "unverifiable"
    assert "NOT FOUND" in resp.get_data(as_text=True)


def test_verifications_are_counted(client: Any, db: Any, world: dict[str, Any], issue: Any) -> None:
    cert = issue(world["pipe_a"])
    for _ in range(3):
        client.get(f"/c/{cert.number}")
    db.session.expire_all()
    fresh = db.session.get(Certificate, cert.id)
    assert fresh.verification_count == 3
    assert fresh.last_verified_at is not None


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("valid_until", "2099-12-31"),
        ("facility_name", "别的加油站"),
        ("asset_tag", "AAAAAAAAAAAAA"),
        ("issued_on", "2020-01-01"),
    ],
)
def test_an_issue_field_changed_in_the_database_cannot_be_verified(
    client: Any,
    db: Any,
    world: dict[str, Any],
    issue: Any,
    api_headers: Any,
    column: str,
    value: str,
) -> None:
    cert = issue(world["pipe_a"])
    _sql(db, f"UPDATE certificate SET {column} = :v WHERE id = :id", v=value, id=cert.id)
    resp = client.get(f"/c/{cert.number}")
    assert _status(resp) == "unverifiable"
    assert "CANNOT BE VERIFIED" in resp.get_data(as_text=True)
    assert "VALID</p>" not in resp.get_data(as_text=True)
    assert _api_status(client, cert.number, api_headers(world["users"]["regulator"])) == (
        "unverifiable"
    )


def test_a_changed_number_cannot_be_verified(
    client: Any, db: Any, world: dict[str, Any], issue: Any
) -> None:
    cert = issue(world["pipe_a"])
    original = cert.number
    forged = original[:-6] + "777777"
    _sql(db, "UPDATE certificate SET number = :n WHERE id = :id", n=forged, id=cert.id)
    assert _status(client.get(f"/c/{forged}")) == "unverifiable"
    assert client.get(f"/c/{original}").status_code == 404


def test_revoked_certificate_set_back_to_valid_cannot_be_verified(
    client: Any, db: Any, world: dict[str, Any], issue: Any
) -> None:
    cert = issue(world["pipe_a"])
    log_in(client, world["users"]["regulator"])
    client.post(f"/certificates/{cert.number}/revoke", data={"reason": "伪造检查记录"})
    assert _status(client.get(f"/c/{cert.number}")) == "revoked"
    _sql(
        db,
        "UPDATE certificate SET status = 'valid', revoked_at = NULL, revoked_by_id = NULL,"
        " revocation_reason = NULL WHERE id = :id",
        id=cert.id,
    )
    assert _status(client.get(f"/c/{cert.number}")) == "unverifiable"


def test_stored_pdf_replaced_cannot_be_verified(
    client: Any, db: Any, world: dict[str, Any], issue: Any
) -> None:
    cert = issue(world["pipe_a"])
    _sql(
        db,
        "UPDATE certificate_pdf SET content = :c WHERE certificate_id = :id",
        c=b"%PDF-1.7 forged",
        id=cert.id,
    )
    assert _status(client.get(f"/c/{cert.number}")) == "unverifiable"


def test_revocation_shows_at_once_on_the_page_and_in_the_api(
    client: Any, db: Any, world: dict[str, Any], issue: Any, api_headers: Any
) -> None:
    from registry.audit.models import AuditEvent

    cert = issue(world["pipe_a"])
    regulator = api_headers(world["users"]["regulator"])
    assert _api_status(client, cert.number, regulator) == "valid"
    resp = client.post(
        f"/api/v1/certificates/{cert.number}/revoke", json={"reason": "泄漏"}, headers=regulator
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "revoked"
    assert resp.get_json()["revocation_reason"] == "泄漏"
    page = client.get(f"/c/{cert.number}")
    assert _status(page) == "revoked"
    assert "已撤销" in page.get_data(as_text=True) and "REVOKED" in page.get_data(as_text=True)
    assert "泄漏" in page.get_data(as_text=True)
    assert _api_status(client, cert.number, api_headers(world["users"]["viewer"])) == "revoked"
    again = client.post(
        f"/api/v1/certificates/{cert.number}/revoke", json={"reason": "x"}, headers=regulator
    )
    assert again.status_code == 409
    events = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.entity == "certificate", AuditEvent.row_id == cert.id
        )
    ).all()
    revoked = [e for e in events if e.action == "update" and "status" in e.changes]
    assert revoked and revoked[0].changes["status"] == ["valid", "revoked"]
    assert revoked[0].changes["revocation_reason"] == [None, "泄漏"]
    assert revoked[0].user_id == world["users"]["regulator"].id


def test_revocation_needs_a_reason_and_a_regulator(
    client: Any, world: dict[str, Any], issue: Any, api_headers: Any
) -> None:
    cert = issue(world["pipe_a"])
    url = f"/api/v1/certificates/{cert.number}/revoke"
    blank = client.post(
        url, json={"reason": "  "}, headers=api_headers(world["users"]["regulator"])
    )
    assert blank.status_code == 422
    assert "reason" in str(blank.get_json())
    inspector = client.post(
        url, json={"reason": "x"}, headers=api_headers(world["users"]["inspector"])
    )
    assert inspector.status_code == 403
    log_in(client, world["users"]["regulator"])
    form = client.post(f"/certificates/{cert.number}/revoke", data={"reason": ""})
    assert form.status_code == 422
    assert _status(client.get(f"/c/{cert.number}")) == "valid"


def test_a_newer_certificate_supersedes_the_older(
    client: Any, db: Any, world: dict[str, Any], issue: Any, api_headers: Any
) -> None:
    old = issue(world["pipe_a"])
    new = issue(world["pipe_a"])
    db.session.expire_all()
    assert db.session.get(Certificate, old.id).superseded_by_id == new.id
    page = client.get(f"/c/{old.number}")
    assert _status(page) == "superseded"
    assert new.number in page.get_data(as_text=True)
    assert _status(client.get(f"/c/{new.number}")) == "valid"
    body = client.get(
        f"/api/v1/certificates/{old.number}", headers=api_headers(world["users"]["viewer"])
    ).get_json()
    assert body["status"] == "superseded" and body["superseded_by"] == new.number


def test_expired_after_valid_until(
    client: Any, world: dict[str, Any], issue: Any, monkeypatch: Any
) -> None:
    from registry.certificates import services

    cert = issue(world["pipe_a"])
    monkeypatch.setattr(services, "today", lambda: cert.valid_until + timedelta(days=1))
    assert _status(client.get(f"/c/{cert.number}")) == "expired"
    monkeypatch.setattr(services, "today", lambda: cert.valid_until)
    assert _status(client.get(f"/c/{cert.number}")) == "valid"
