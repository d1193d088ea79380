"""Issuing: from a passed inspection only, by inspectors and regulators, with clear refusals."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text

from registry.certificates.models import Certificate
from registry.certificates.validity import add_months
from tests.helpers import log_in


def test_api_issues_from_a_passed_inspection(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    inspection = passed_inspection(world["pipe_a"])
    resp = client.post(
        "/api/v1/certificates",
        json={"inspection_id": inspection.id},
        headers=api_headers(world["users"]["inspector"]),
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert re.fullmatch(r"DC-\d{4}-\d{6}", body["number"])
    assert body["status"] == "valid"
    assert body["verify_url"] == f"http://registry.test/c/{body['number']}"
    assert body["pdf_url"].endswith(f"/certificates/{body['number']}.pdf")
    assert (
        body["valid_until"]
        == add_months(__import__("datetime").date.fromisoformat(body["issued_on"]), 12).isoformat()
    )
    pdf = client.get(body["pdf_url"], headers=api_headers(world["users"]["operator_a"]))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def _refusal(client: Any, inspection: Any, headers: dict[str, str]) -> tuple[int, str]:
    resp = client.post(
        "/api/v1/certificates",
        json={"inspection_id": inspection.id},
        headers={**headers, "Accept-Language": "en"},
    )
    return resp.status_code, str(resp.get_json())


def test_refused_when_the_inspection_failed(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    failed = passed_inspection(world["pipe_a"], result="fail")
    status, body = _refusal(client, failed, api_headers(world["users"]["regulator"]))
    assert status == 422 and "did not pass" in body and "inspection_failed" in body


def test_refused_while_a_high_finding_is_open(
    client: Any, db: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    from registry.inspections import actions

    inspection = passed_inspection(
        world["pipe_a"],
        findings=[{"severity": "critical", "description": "渗漏", "due_on": None, "item": None}],
    )
    headers = api_headers(world["users"]["inspector"])
    status, body = _refusal(client, inspection, headers)
    assert status == 422 and "still open" in body
    action = inspection.findings[0].corrective_action
    actions.mark_fixed(action, user=world["users"]["operator_a"])
    db.session.commit()
    status, body = _refusal(client, inspection, headers)
    assert status == 422 and "not verified" in body  # fixed is not enough
    actions.verify(action, user=world["users"]["inspector"])
    db.session.commit()
    assert _refusal(client, inspection, headers)[0] == 201


def test_a_low_finding_does_not_block(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    inspection = passed_inspection(
        world["pipe_a"],
        findings=[{"severity": "low", "description": "标识褪色", "due_on": None, "item": None}],
    )
    assert _refusal(client, inspection, api_headers(world["users"]["inspector"]))[0] == 201


def test_refused_when_red_tagged_or_closed(
    client: Any, db: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    headers = api_headers(world["users"]["regulator"])
    inspection = passed_inspection(world["pipe_a"])
    db.session.execute(
        text("UPDATE asset SET red_tagged = :t WHERE id = :id"),
        {"t": True, "id": world["pipe_a"].id},
    )
    db.session.commit()
    status, body = _refusal(client, inspection, headers)
    assert status == 422 and "red-tagged" in body and "'reason': 'red_tagged'" in body
    db.session.execute(
        text("UPDATE asset SET red_tagged = :f, status = 'permanently_closed' WHERE id = :id"),
        {"f": False, "id": world["pipe_a"].id},
    )
    db.session.commit()
    status, body = _refusal(client, inspection, headers)
    assert status == 422 and "not in service" in body


def test_operators_and_viewers_may_not_issue(
    client: Any, world: dict[str, Any], passed_inspection: Any, api_headers: Any
) -> None:
    inspection = passed_inspection(world["pipe_a"])
    for role in ("operator_a", "viewer"):
        status, body = _refusal(client, inspection, api_headers(world["users"][role]))
        assert status == 403 and "Only inspectors and regulators" in body
        # a role refusal comes before the body is read: no 422 about the body either
        empty = client.post(
            "/api/v1/certificates", json={}, headers=api_headers(world["users"][role])
        )
        assert empty.status_code == 403
    log_in(client, world["users"]["operator_a"])
    assert client.post(f"/inspections/{inspection.id}/certificate").status_code == 403


def test_the_button_on_the_inspection_result_issues(
    client: Any, db: Any, world: dict[str, Any], passed_inspection: Any
) -> None:
    inspection = passed_inspection(world["pipe_a"])
    log_in(client, world["users"]["inspector"])
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert f"/inspections/{inspection.id}/certificate" in page
    resp = client.post(f"/inspections/{inspection.id}/certificate")
    assert resp.status_code == 303
    number = resp.headers["Location"].rsplit("/", 1)[-1]
    detail = client.get(f"/certificates/{number}")
    assert detail.status_code == 200 and number in detail.get_data(as_text=True)
    asset_page = client.get(f"/assets/{world['pipe_a'].id}").get_data(as_text=True)
    assert f"/certificates/{number}.pdf" in asset_page


def test_the_button_refuses_with_the_reason(
    client: Any, world: dict[str, Any], passed_inspection: Any
) -> None:
    failed = passed_inspection(world["pipe_a"], result="fail")
    log_in(client, world["users"]["regulator"])
    resp = client.post(f"/inspections/{failed.id}/certificate")
    assert resp.status_code == 422
    assert "did not pass" in resp.get_data(as_text=True) or "不合格" in resp.get_data(as_text=True)


def test_list_searches_by_number_tag_and_facility(
    client: Any, world: dict[str, Any], issue: Any, make_asset: Any, api_headers: Any
) -> None:
    mine = issue(world["pipe_a"])
    other = issue(world["tank_b"])
    headers = api_headers(world["users"]["viewer"])

    def numbers(query: str) -> set[str]:
        resp = client.get(f"/api/v1/certificates?{query}", headers=headers)
        assert resp.status_code == 200
        return {c["number"] for c in resp.get_json()}

    assert numbers(f"q={mine.number}") == {mine.number}
    tag = world["tank_b"].tag
    assert numbers(f"q={tag[:4]}-{tag[4:8]}") >= {other.number}
    assert numbers("q=乙加油站") == {other.number}
    assert numbers("status=valid") >= {mine.number, other.number}
    assert mine.number not in numbers("status=revoked")
    op_b = api_headers(world["users"]["operator_b"])
    seen = {c["number"] for c in client.get("/api/v1/certificates", headers=op_b).get_json()}
    assert seen == {other.number}
    log_in(client, world["users"]["viewer"])
    page = client.get("/certificates?q=甲加油站").get_data(as_text=True)
    assert mine.number in page and other.number not in page


def test_validity_comes_from_the_rule_pack(
    client: Any, world: dict[str, Any], issue: Any, monkeypatch: Any
) -> None:
    from registry.certificates import services

    monkeypatch.setattr(services, "validity_months", lambda: 24)
    cert = issue(world["pipe_a"])
    assert cert.valid_until == add_months(cert.valid_from, 24)
    assert isinstance(cert, Certificate)
