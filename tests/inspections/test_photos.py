"""Photos: size limit, decoded type, decompression bombs, EXIF stripped, resend recognised."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

from registry.inspections.models import Photo
from tests.inspections.conftest import jpeg_bytes


def _upload(client: Any, inspection: dict[str, Any], raw: bytes, name: str = "p.jpg") -> Any:
    return client.post(
        f"/api/v1/inspections/{inspection['id']}/photos",
        data={"file": (io.BytesIO(raw), name)},
        headers=inspection["headers"],
        content_type="multipart/form-data",
    )


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (39.0, 56.0, 24.0), 3: "E", 4: (116.0, 25.0, 48.0)}
    exif[0x8825] = gps
    return exif


def test_photo_stored_without_exif_and_resend_is_recognised(app, client, db, inspection) -> None:
    raw = jpeg_bytes((800, 600), exif=_gps_exif())
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825), "the test photo must carry GPS"
    first = _upload(client, inspection, raw)
    assert first.status_code == 201, first.get_json()
    again = _upload(client, inspection, raw)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    db.session.expire_all()
    photo = db.session.get(Photo, first.get_json()["id"])
    path = Path(app.config["UPLOAD_DIR"]) / photo.path
    assert "static" not in path.parts
    stored = Image.open(path)
    assert stored.format == "JPEG" and stored.size == (800, 600)
    exif = stored.getexif()
    assert len(exif) == 0 and not exif.get_ifd(0x8825)
    assert b"Exif" not in path.read_bytes()[:200]
    shown = client.get(first.get_json()["url"], headers=inspection["headers"])
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    got = client.get(f"/api/v1/inspections/{inspection['id']}", headers=inspection["headers"])
    assert [p["id"] for p in got.get_json()["photos"]] == [photo.id]


def test_fake_jpeg_is_refused(client, inspection) -> None:
    resp = _upload(client, inspection, b"this is text, not a photo\n" * 10, "fake.jpg")
    assert resp.status_code == 422
    assert "file" in resp.get_json()["errors"]


def test_too_large_is_refused(app, client, inspection, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1024)
    resp = _upload(client, inspection, jpeg_bytes((400, 400)) + b"\0" * 2048)
    assert resp.status_code == 413


def _bomb_png(width: int, height: int) -> bytes:
    """A small valid PNG whose header claims a huge size (decoding would need gigabytes)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_decompression_bomb_is_refused(client, inspection) -> None:
    resp = _upload(client, inspection, _bomb_png(60000, 60000), "bomb.png")
    assert resp.status_code == 422
    resp = _upload(client, inspection, _bomb_png(9000, 8000), "bomb2.png")
    assert resp.status_code == 422


def test_operator_cannot_add_photos_and_others_cannot_see_them(
    client, world, api_headers, inspection
) -> None:
    raw = jpeg_bytes()
    url = _upload(client, inspection, raw).get_json()["url"]
    op_a = api_headers(world["users"]["operator_a"])
    resp = client.post(
        f"/api/v1/inspections/{inspection['id']}/photos",
        data={"file": (io.BytesIO(raw), "p.jpg")},
        headers=op_a,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 403
    assert client.get(url, headers=op_a).status_code == 200
    assert client.get(url, headers=api_headers(world["users"]["operator_b"])).status_code == 404
    assert client.get(url).status_code in (302, 401)


def test_photo_stored_without_jpeg_comment(app, client, db, inspection) -> None:
    from tests.jpeg import APP1
    from tests.jpeg import COM
    from tests.jpeg import jpeg_with_comment
    from tests.jpeg import markers

    resp = _upload(client, inspection, jpeg_with_comment())
    assert resp.status_code == 201, resp.get_json()
    photo = db.session.get(Photo, resp.get_json()["id"])
    stored = (Path(app.config["UPLOAD_DIR"]) / photo.path).read_bytes()
    assert COM not in markers(stored) and APP1 not in markers(stored)
    assert b"13800000000" not in stored
