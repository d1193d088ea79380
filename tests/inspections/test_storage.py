"""The file store: photos in an S3-compatible bucket (moto's server), orphans collected, a
folder store copied to S3 and checked, and /healthz telling when the store is away."""

from __future__ import annotations

import hashlib
import os
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry.core.storage import FileStore
from registry.core.storage import S3Store
from registry.core.storage import open_store
from registry.extensions import db
from registry.inspections.models import Photo
from registry.ops import backup as backup_module
from registry.ops import storage as housekeeping
from registry.ops.cli import storage_group
from tests.e2e.services import S3_CREDENTIALS
from tests.e2e.services import s3_server
from tests.inspections.conftest import jpeg_bytes
from tests.inspections.test_photos import _upload


@pytest.fixture(scope="module")
def s3_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A bucket on a real S3 server (moto), for this module."""
    saved = {k: os.environ.get(k) for k in S3_CREDENTIALS}
    os.environ.update(S3_CREDENTIALS)
    try:
        with s3_server(tmp_path_factory.mktemp("s3")) as (_, url):
            yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def on_s3(app: Flask, s3_url: str, monkeypatch: pytest.MonkeyPatch) -> S3Store:
    """The app stores in the bucket for this test."""
    bucket = S3Store(s3_url)
    for obj in list(bucket.objects()):
        bucket.delete(obj.key)
    monkeypatch.setitem(app.extensions, "store", bucket)
    return bucket


def test_photos_live_in_the_bucket_and_are_served_from_it(
    app: Flask,
    client: Any,
    db: Any,
    inspection: dict[str, Any],
    on_s3: S3Store,
) -> None:
    raw = jpeg_bytes((320, 240))
    resp = _upload(client, inspection, raw)
    assert resp.status_code == 201, resp.get_json()
    photo = db.session.get(Photo, resp.get_json()["id"])
    assert [o.key for o in on_s3.objects()] == [photo.path]
    assert not (Path(app.config["UPLOAD_DIR"]) / photo.path).exists()
    shown = client.get(resp.get_json()["url"], headers=inspection["headers"])
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert shown.headers["Cache-Control"] == "private, max-age=3600"
    assert int(shown.headers["Content-Length"]) == len(shown.data)
    assert shown.data == on_s3.read(photo.path)
    on_s3.delete(photo.path)  # lost behind the app's back: a 404, not a 500
    assert client.get(resp.get_json()["url"], headers=inspection["headers"]).status_code == 404


def test_every_file_column_is_known_to_gc(app: Flask) -> None:
    # A column that holds store keys without saying so would have its files collected.
    named = {f"{c.table.name}.{c.name}" for c in housekeeping.file_columns()}
    pathlike = {
        f"{t.name}.{c.name}"
        for t in db.metadata.sorted_tables
        for c in t.columns
        if c.name.endswith("path")
    }
    assert pathlike <= named
    assert named == {
        "photo.path",
        "activity_record.attachment_path",
        "release_evidence.file_path",
        "violation.evidence_path",
        "designated_operator.certificate_path",
    }


def test_gc_deletes_old_orphans_only(
    app: Flask,
    client: Any,
    db: Any,
    inspection: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = FileStore(str(tmp_path / "files"))
    monkeypatch.setitem(app.extensions, "store", folder)
    kept = _upload(client, inspection, jpeg_bytes((64, 64)))
    assert kept.status_code == 201
    referenced = db.session.get(Photo, kept.get_json()["id"]).path
    folder.put("inspections/999/old-orphan.jpg", b"x", "image/jpeg")
    folder.put("inspections/999/young-orphan.jpg", b"y", "image/jpeg")
    # Times set from the process's clock (under libfaketime the file system stamps real time).
    now = time.time()
    os.utime(folder.path("inspections/999/young-orphan.jpg"), (now, now))
    for key in (referenced, "inspections/999/old-orphan.jpg"):
        os.utime(folder.path(key), (now - 3600, now - 3600))
    result = app.test_cli_runner().invoke(storage_group, ["gc", "--grace-minutes", "30"])
    assert result.exit_code == 0, result.output
    assert "orphan inspections/999/old-orphan.jpg" in result.output
    assert "3 objects, 1 orphans, deleted 1" in result.output
    assert sorted(o.key for o in folder.objects()) == sorted(
        [referenced, "inspections/999/young-orphan.jpg"]
    )


def test_migrate_copies_every_file_and_checks_it(
    app: Flask, db: Any, tmp_path: Path, s3_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = FileStore(str(tmp_path / "files"))
    monkeypatch.setitem(app.extensions, "store", folder)
    files = {f"records/{n}.pdf": f"%PDF-1.4 file {n}".encode() * (n + 1) for n in range(5)}
    for key, data in files.items():
        folder.put(key, data, "application/pdf")
    bucket = S3Store(s3_url)
    for obj in list(bucket.objects()):
        bucket.delete(obj.key)
    result = app.test_cli_runner().invoke(storage_group, ["migrate", "--to", s3_url])
    assert result.exit_code == 0, result.output
    assert "5 objects copied" in result.output and "5 verified by SHA-256" in result.output
    for key, data in files.items():
        assert hashlib.sha256(bucket.read(key)).hexdigest() == hashlib.sha256(data).hexdigest()


def test_migrate_to_a_store_that_does_not_answer_fails_cleanly(app: Flask) -> None:
    url = "s3://nowhere?endpoint_url=http://127.0.0.1:9"
    result = app.test_cli_runner().invoke(storage_group, ["migrate", "--to", url])
    assert result.exit_code == 1 and "Error:" in result.output, result.exception


def test_keys_cannot_leave_the_folder(tmp_path: Path) -> None:
    folder = open_store(f"file://{tmp_path}")
    assert isinstance(folder, FileStore)
    for bad in ("../etc/passwd", "/etc/passwd", "a/../../b", "", "a//b"):
        with pytest.raises(FileNotFoundError):
            folder.path(bad)
    with pytest.raises(ValueError):
        open_store("ftp://example.org/files")


def test_health_says_when_the_store_is_away(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/healthz").get_json()["storage"] == "ok"
    away = S3Store("s3://nowhere?endpoint_url=http://127.0.0.1:9")
    monkeypatch.setitem(app.extensions, "store", away)
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["storage"] == "unavailable" and resp.get_json()["database"] == "ok"
    assert resp.get_json()["status"] == "unavailable"


def test_backups_carry_the_buckets_files_and_restore_them(
    app: Flask, db: Any, on_s3: S3Store, tmp_path: Path
) -> None:
    files = {"inspections/1/a.jpg": b"\xff\xd8 photo", "records/r.pdf": b"%PDF-1.4 report"}
    for key, data in files.items():
        on_s3.put(key, data, "application/octet-stream")
    archive = tmp_path / "files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        backup_module._add_stored_files(tar)
    on_s3.put("inspections/1/a.jpg", b"changed", "image/jpeg")
    on_s3.put("inspections/2/new.jpg", b"after the backup", "image/jpeg")
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp_path / "out", filter="data")
    backup_module._restore_stored_files(tmp_path / "out" / "uploads")
    assert {o.key: on_s3.read(o.key) for o in on_s3.objects()} == files


def test_large_files_go_to_the_bucket_in_parts(on_s3: S3Store, tmp_path: Path) -> None:
    # 9 MB: above boto3's multipart threshold (8 MB), as a backup archive would be.
    source = tmp_path / "archive.tar.gz"
    source.write_bytes(os.urandom(9 * 1024 * 1024))
    on_s3.put_file("backups/ust-test.tar.gz", source, "application/gzip")
    assert (
        hashlib.sha256(on_s3.read("backups/ust-test.tar.gz")).hexdigest()
        == hashlib.sha256(source.read_bytes()).hexdigest()
    )
