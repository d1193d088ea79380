"""Record attachments: content, extension and declared type agree; served safely (issue 27, 6)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from registry.compliance.models import ActivityRecord
from registry.extensions import db as _db
from tests.jpeg import APP1
from tests.jpeg import COM
from tests.jpeg import jpeg_with_comment
from tests.jpeg import markers

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, "PNG")
    return out.getvalue()


def _post(client: Any, tank: Any, data: bytes, name: str, ctype: str | None = None) -> Any:
    upload = (io.BytesIO(data), name) if ctype is None else (io.BytesIO(data), name, ctype)
    return client.post(
        f"/assets/{tank.id}/records/new",
        data={"activity": "patrol", "performed_on": "2026-01-05", "attachment": upload},
        content_type="multipart/form-data",
    )


def _count(tank: Any) -> int:
    _db.session.expire_all()
    stmt = (
        select(func.count()).select_from(ActivityRecord).where(ActivityRecord.asset_id == tank.id)
    )
    return int(_db.session.scalar(stmt))


def _last(tank: Any) -> ActivityRecord:
    _db.session.expire_all()
    stmt = (
        select(ActivityRecord)
        .where(ActivityRecord.asset_id == tank.id)
        .order_by(ActivityRecord.id.desc())
    )
    record = _db.session.scalars(stmt).first()
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("data", "name", "ctype", "message"),
    [
        (PDF, "x.html", None, "Attach a PDF or an image"),  # the probe's file
        (PDF, "x.pdf", "text/html", "declared type does not match"),
        (b"%PDF-1.4\n<script>alert(1)</script>", "x.pdf", None, "does not match its name"),
        (_png(), "photo.jpg", None, "does not match its name"),
        (jpeg_with_comment(), "photo.png", None, "does not match its name"),
        (PDF, "report", None, "Attach a PDF or an image"),
        (b"GIF89a<svg onload=alert(1)>", "x.gif", None, "does not match its name"),
    ],
)
def test_mismatched_files_are_refused_at_the_field(
    client: Any, world: Any, login_as: Any, data: bytes, name: str, ctype: str | None, message: str
) -> None:
    from tests.forms import read_form

    tank = world["tank_a"]
    login_as("operator", organization=world["org_a"], locale="en")
    before = _count(tank)
    resp = _post(client, tank, data, name, ctype)
    assert resp.status_code == 422
    assert message in read_form(resp.get_data(as_text=True)).errors["attachment"]
    assert _count(tank) == before


def test_mismatch_message_in_chinese(client: Any, world: Any, login_as: Any) -> None:
    from tests.forms import read_form

    user = login_as("operator", organization=world["org_a"], locale="en")
    user.locale = "zh"
    _db.session.commit()
    resp = _post(client, world["tank_a"], _png(), "photo.jpg")
    assert resp.status_code == 422
    assert (
        read_form(resp.get_data(as_text=True)).errors["attachment"] == "文件内容与文件扩展名不符。"
    )


def test_jpeg_comment_and_exif_are_not_stored(
    app: Any, client: Any, world: Any, login_as: Any
) -> None:
    tank = world["tank_a"]
    login_as("operator", organization=world["org_a"], locale="en")
    raw = jpeg_with_comment()
    assert _post(client, tank, raw, "lid.JPG", "image/jpeg").status_code == 302
    record = _last(tank)
    assert record.attachment_type == "image/jpeg" and record.attachment_name == "lid.jpg"
    stored = (Path(app.config["UPLOAD_DIR"]) / str(record.attachment_path)).read_bytes()
    assert COM not in markers(stored) and APP1 not in markers(stored)
    assert b"13800000000" not in stored and b"PhoneMaker" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)


def test_downloads_carry_a_safe_name_the_stored_type_and_nosniff(
    client: Any, world: Any, login_as: Any
) -> None:
    tank = world["tank_a"]
    login_as("operator", organization=world["org_a"], locale="en")
    assert _post(client, tank, PDF, "b\u202egpj.报告 x.pdf").status_code == 302
    record = _last(tank)
    assert "\u202e" not in str(record.attachment_name)
    got = client.get(f"/records/{record.id}/attachment")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and "%E6%8A%A5%E5%91%8A" in disposition  # 报告
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition
    assert _post(client, tank, _png(), "map.png").status_code == 302
    image = client.get(f"/records/{_last(tank).id}/attachment")
    assert image.mimetype == "image/png" and image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"] == "inline; filename=map.png"


def test_an_older_row_with_an_unknown_type_is_served_as_a_download(
    app: Any, client: Any, world: Any, login_as: Any
) -> None:
    tank = world["tank_a"]
    login_as("operator", organization=world["org_a"], locale="en")
    assert _post(client, tank, PDF, "a.pdf").status_code == 302
    record = _last(tank)
    # As a version before the checks could have stored it.
    record.attachment_type, record.attachment_name = "text/html", "page.html"
    _db.session.commit()
    got = client.get(f"/records/{record.id}/attachment")
    assert got.status_code == 200 and got.mimetype == "application/octet-stream"
    assert got.headers["Content-Disposition"] == "attachment; filename=page.bin"
