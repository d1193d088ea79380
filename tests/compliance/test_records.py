"""Recording activities: form, API, attached files, validation, and other domains' events."""

from __future__ import annotations

import io
from datetime import date
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from PIL import Image
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.compliance.models import ActivityRecord
from registry.core import signals
from registry.extensions import db as _db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, "PNG")
    return out.getvalue()


def _records(asset_id: int) -> list[ActivityRecord]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(select(ActivityRecord).where(ActivityRecord.asset_id == asset_id))
    )


def test_form_records_with_pdf_and_image(client: Any, world: Any, login_as: Any) -> None:
    tank = world["tank_a"]
    login_as("operator", organization=world["org_a"])
    page = client.get(f"/assets/{tank.id}/records/new?activity=interstitial_monitoring_check")
    assert 'value="interstitial_monitoring_check" selected' in page.get_data(as_text=True)
    for name, data in (("report.pdf", PDF), ("photo.png", _png())):
        resp = client.post(
            f"/assets/{tank.id}/records/new",
            data={
                "activity": "patrol",
                "performed_on": "2026-01-05",
                "result": "pass",
                "attachment": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
        )
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    rows = _records(tank.id)
    assert {r.attachment_type for r in rows} == {"application/pdf", "image/png"}
    image = next(r for r in rows if r.attachment_type == "image/png")
    got = client.get(f"/records/{image.id}/attachment")
    assert got.status_code == 200
    assert Image.open(io.BytesIO(got.data)).size == (20, 10)
    events = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "activity_record")
    ).all()
    assert len(events) >= 2


def test_form_refuses_bad_files_and_dates(client: Any, world: Any, login_as: Any) -> None:
    tank = world["tank_a"]
    login_as("inspector")
    bad = client.post(
        f"/assets/{tank.id}/records/new",
        data={
            "activity": "patrol",
            "performed_on": "2026-01-05",
            "attachment": (io.BytesIO(b"MZ\x90\x00 not an image"), "x.png"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    future = (date.today() + timedelta(days=3)).isoformat()
    for body in (
        {"activity": "patrol", "performed_on": future},
        {"activity": "patrol", "performed_on": "2019-01-01"},  # before installation (2020-01-15)
        {"activity": "dancing", "performed_on": "2025-01-01"},
        {"activity": "observation_pipe_check", "performed_on": "2025-01-01"},  # double wall
    ):
        assert client.post(f"/assets/{tank.id}/records/new", data=body).status_code == 422
    assert _records(tank.id) == []


def test_api_records(client: Any, world: Any, api_headers: Any) -> None:
    tank = world["tank_a"]
    headers = api_headers(world["users"]["operator_a"])
    body = {
        "activity": "patrol",
        "performed_on": "2026-02-01",
        "result": "fail",
        "performed_by": "张师傅",
        "notes": "井盖松动",
    }
    resp = client.post(f"/api/v1/assets/{tank.id}/records", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["result"] == "fail"
    listed = client.get(f"/api/v1/assets/{tank.id}/records", headers=headers).get_json()
    assert [r["performed_by"] for r in listed] == ["张师傅"]
    bad = client.post(
        f"/api/v1/assets/{tank.id}/records",
        json={"activity": "groundwater_sample", "performed_on": "2026-02-01"},
        headers=headers,
    )
    assert bad.status_code == 422 and "activity" in bad.get_json()["errors"]
    viewer = api_headers(world["users"]["viewer"])
    assert (
        client.post(f"/api/v1/assets/{tank.id}/records", json=body, headers=viewer).status_code
        == 403
    )


def test_facility_records_and_filing_signal(
    client: Any, world: Any, login_as: Any, app: Any
) -> None:
    fac = world["fac_a"]
    login_as("operator", organization=world["org_a"])
    resp = client.post(
        f"/facilities/{fac.id}/records/new",
        data={"activity": "basic_information_report", "performed_on": "2026-03-01"},
    )
    assert resp.status_code == 302
    with app.test_request_context():
        signals.filing_accepted.send(
            None, filing=SimpleNamespace(id=9), facility_id=fac.id, accepted_on=date(2026, 4, 1)
        )
        _db.session.commit()
    rows = _db.session.scalars(
        select(ActivityRecord.performed_on)
        .where(ActivityRecord.facility_id == fac.id)
        .order_by(ActivityRecord.performed_on)
    ).all()
    assert rows == [date(2026, 3, 1), date(2026, 4, 1)]


def test_inspection_passed_records_activities(app: Any, world: Any) -> None:
    tank = world["tank_a"]
    with app.test_request_context():
        signals.inspection_passed.send(
            None,
            inspection=SimpleNamespace(id=3, asset_id=tank.id),
            activities=["patrol", "leak_detection_equipment_check", "not_in_pack"],
            performed_on=date(2026, 5, 2),
            performed_by=world["users"]["inspector"],
        )
        _db.session.commit()
    assert sorted(r.activity for r in _records(tank.id)) == [
        "leak_detection_equipment_check",
        "patrol",
    ]
