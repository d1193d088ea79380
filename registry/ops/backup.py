"""Back up and restore the whole registry: database and uploaded files, in one archive.

The archive is a gzip'd tar holding `manifest.json`, the database (`db.sqlite`, made with
SQLite's online backup API, or `db.pgdump`, made with `pg_dump -Fc`) and `uploads/`.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from registry.core.storage import FileStore
from registry.core.storage import store
from registry.core.types import utcnow
from registry.extensions import db
from registry.ops.storage import BACKUP_PREFIX

FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore could not be done; nothing was changed."""


def _counts() -> dict[str, int]:
    return {
        table.name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
        for table in db.metadata.sorted_tables
    }


def _sqlite_path() -> Path:
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _pg_args() -> tuple[str, str]:
    """Return the libpq URI and the schema the app works in."""
    url = db.engine.url.set(drivername="postgresql")
    schema = db.session.scalar(text("SELECT current_schema()")) or "public"
    return url.render_as_string(hide_password=False), schema


def _run(cmd: list[str]) -> None:
    tool = shutil.which(cmd[0])
    if tool is None:
        raise BackupError(f"{cmd[0]} is not installed (Debian: postgresql-client)")
    proc = subprocess.run([tool, *cmd[1:]], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {proc.stderr.strip()[:2000]}")


def backup(target: Path) -> dict[str, Any]:
    """Write a backup archive to `target` and return its manifest."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if dialect == "sqlite":
            db.session.remove()
            src = sqlite3.connect(_sqlite_path())
            dst = sqlite3.connect(tmp / "db.sqlite")
            with dst:
                src.backup(dst)  # consistent even while the app writes
            src.close()
            dst.close()
            db_file = "db.sqlite"
        elif dialect == "postgresql":
            uri, schema = _pg_args()
            _run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    f"--schema={schema}",
                    "-f",
                    str(tmp / "db.pgdump"),
                    uri,
                ]
            )
            db_file = "db.pgdump"
        else:
            raise BackupError(f"unsupported database: {dialect}")
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            "dialect": dialect,
            "database": db_file,
            "rows": _counts(),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / "manifest.json", "manifest.json")
            tar.add(tmp / db_file, db_file)
            _add_stored_files(tar)
        os.replace(partial, target)  # a crash never leaves a half-written archive under the name
    return manifest


def backup_to_store() -> tuple[str, dict[str, Any]]:
    """Write a backup archive into the file store under backups/; return its key and manifest.

    With several servers the store is the one place they share: an archive there outlives
    the machine that made it.
    """
    with tempfile.TemporaryDirectory() as tmp_name:
        archive = Path(tmp_name) / "backup.tar.gz"
        manifest = backup(archive)
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        key = f"{BACKUP_PREFIX}ust-{stamp}.tar.gz"
        store().put_file(key, archive, "application/gzip")
    return key, manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    return [
        m for m in tar.getmembers() if not (m.name.startswith("/") or ".." in Path(m.name).parts)
    ]


def restore(source: Path) -> dict[str, Any]:
    """Replace the database and uploads with those of a backup archive; return its manifest."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory() as tmp_name, tarfile.open(source, "r:gz") as tar:
        tmp = Path(tmp_name)
        tar.extractall(tmp, members=_safe_members(tar), filter="data")
        manifest = json.loads((tmp / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["dialect"] != dialect:
            raise BackupError(f"backup is of {manifest['dialect']}, the database is {dialect}")
        if dialect == "sqlite":
            db.session.remove()
            db.engine.dispose()
            src = sqlite3.connect(tmp / "db.sqlite")
            dst = sqlite3.connect(_sqlite_path())
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        else:
            uri, schema = _pg_args()
            db.session.remove()
            db.engine.dispose()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--schema={schema}",
                    "-d",
                    uri,
                    str(tmp / "db.pgdump"),
                ]
            )
        _restore_stored_files(tmp / "uploads")
    return manifest


def _add_stored_files(tar: tarfile.TarFile) -> None:
    """Put every object of the store into the archive under `uploads/`."""
    where = store()
    if isinstance(where, FileStore):
        if where.root.is_dir():
            tar.add(where.root, "uploads", filter=_not_in_archive)
        return
    for obj in where.objects():
        if obj.key.startswith(BACKUP_PREFIX):
            continue  # earlier archives kept in the store are not put inside this one
        info = tarfile.TarInfo(f"uploads/{obj.key}")
        info.size = obj.size
        info.mtime = int(obj.modified.timestamp())
        tar.addfile(info, io.BytesIO(where.read(obj.key)))


def _not_in_archive(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # Half-written files and the archives kept in the store itself stay out.
    kept = f"uploads/{BACKUP_PREFIX}"
    if member.name.endswith(".part") or f"{member.name}/".startswith(kept):
        return None
    return member


def _restore_stored_files(source: Path) -> None:
    """Make the store hold exactly the archive's files."""
    where = store()
    if isinstance(where, FileStore):
        _swap_folder(source, where.root)
        return
    keep = set()
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if path.is_file():
            key = path.relative_to(source).as_posix()
            where.put(key, path.read_bytes(), "application/octet-stream")
            keep.add(key)
    for obj in list(where.objects()):
        if obj.key not in keep and not obj.key.startswith(BACKUP_PREFIX):
            where.delete(obj.key)


def _swap_folder(source: Path, uploads: Path) -> None:
    """Replace the upload folder by the archive's in two renames."""
    staged = uploads.with_name(uploads.name + ".restoring")
    shutil.rmtree(staged, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, staged)
    else:
        staged.mkdir(parents=True)
    kept = uploads / BACKUP_PREFIX
    if kept.is_dir():  # the archives kept in the store survive the restore of one of them
        shutil.copytree(kept, staged / BACKUP_PREFIX, dirs_exist_ok=True)
    old = uploads.with_name(uploads.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if uploads.exists():
        os.replace(uploads, old)
    os.replace(staged, uploads)
    shutil.rmtree(old, ignore_errors=True)
