"""Issuing and revoking from the pages ask first: what will happen, then the act."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from registry.certificates.models import Certificate
from tests.forms import confirm_form
from tests.forms import consequences
from tests.helpers import log_in


def _count(db: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(Certificate)))


def test_issue_button_asks_and_names_the_certificate_it_supersedes(
    client: Any, db: Any, world: dict[str, Any], issue: Any, passed_inspection: Any, make_user: Any
) -> None:
    old = issue(world["pipe_a"])
    inspection = passed_inspection(world["pipe_a"])
    log_in(client, make_user("inspector", locale="en"))
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'name="confirm" value="1"' in page
    before = _count(db)
    asked = client.post(f"/inspections/{inspection.id}/certificate", data={"confirm": "1"})
    assert asked.status_code == 200
    said = consequences(asked.get_data(as_text=True))
    assert "A certificate for Pipeline" in said and "valid until" in said
    assert f"supersedes {old.number}, issued" in said and "ago" in said
    assert _count(db) == before  # asking changed nothing
    action, fields = confirm_form(asked.get_data(as_text=True))
    assert action == f"/inspections/{inspection.id}/certificate"
    assert "confirm" not in dict(fields)
    done = client.post(action, data=dict(fields))
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Certificate, old.id).status == "superseded"
    assert _count(db) == before + 1


def test_issue_question_refuses_at_once_when_no_certificate_can_come(
    client: Any, db: Any, world: dict[str, Any], passed_inspection: Any
) -> None:
    failed = passed_inspection(world["pipe_a"], result="fail")
    log_in(client, world["users"]["regulator"])
    resp = client.post(f"/inspections/{failed.id}/certificate", data={"confirm": "1"})
    assert resp.status_code == 422
    assert "data-confirm-form" not in resp.get_data(as_text=True)


def test_revoke_button_asks_with_the_reason_then_revokes(
    client: Any, db: Any, world: dict[str, Any], issue: Any, make_user: Any
) -> None:
    cert = issue(world["pipe_a"])
    log_in(client, make_user("regulator", locale="zh"))
    page = client.get(f"/certificates/{cert.number}").get_data(as_text=True)
    assert 'name="confirm" value="1"' in page
    blank = client.post(f"/certificates/{cert.number}/revoke", data={"reason": "", "confirm": "1"})
    assert blank.status_code == 422 and "data-confirm-form" not in blank.get_data(as_text=True)
    url = f"/certificates/{cert.number}/revoke"
    asked = client.post(url, data={"reason": "检查记录<伪造>", "confirm": "1"})
    assert asked.status_code == 200
    said = consequences(asked.get_data(as_text=True))
    assert cert.number in said and "检查记录<伪造>" in said and "撤销" in said
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status == "valid"
    action, fields = confirm_form(asked.get_data(as_text=True))
    assert dict(fields) == {"reason": "检查记录<伪造>"}
    assert client.post(action, data=dict(fields)).status_code == 303
    db.session.expire_all()
    revoked = db.session.get(Certificate, cert.id)
    assert revoked.status == "revoked" and revoked.revocation_reason == "检查记录<伪造>"
