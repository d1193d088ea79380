"""Backup and restore: a round trip gives back every row and every uploaded file, identical."""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from registry.extensions import db
from tests.helpers import need_tool


def _snapshot(app: Flask) -> dict[str, Any]:
    with app.app_context():
        db.session.remove()
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            tables[table.name] = [tuple(r) for r in rows]
        db.session.remove()
    uploads = Path(app.config["UPLOAD_DIR"])
    files = (
        {
            str(p.relative_to(uploads)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(uploads.rglob("*"))
            if p.is_file()
        }
        if uploads.exists()
        else {}
    )
    return {"tables": tables, "files": files}


def _fill(app: Flask) -> None:
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization({"name": "备份公司", "credit_code": complete("91110101555555555")})
    fac = create_facility(
        {"organization_id": org.id, "name": "备份站", "kind": "oil_depot"}, by=None
    )
    for ref in ("T1", "T2", "T3"):
        create_asset(
            {"facility_id": fac.id, "kind": "tank", "substance": "diesel", "operator_ref": ref},
            by=None,
        )
    create_user(email="backup@example.cn", password="secret-pass-1", role="viewer")
    db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"]) / "photos"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "a.jpg").write_bytes(b"\xff\xd8 fake but bytes are bytes " * 50)
    (uploads / "b.pdf").write_bytes(b"%PDF-1.4 report")


def _mutate(app: Flask) -> None:
    from registry.assets.models import Asset
    from registry.core.creditcode import complete
    from registry.sites.services import create_organization

    db.session.delete(db.session.scalars(select(Asset)).first())
    create_organization({"name": "后来的公司", "credit_code": complete("91110101666666666")})
    db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"]) / "photos"
    (uploads / "a.jpg").write_bytes(b"changed")
    (uploads / "b.pdf").unlink()
    (uploads / "c.png").write_bytes(b"new")


def test_round_trip_is_identical(app: Flask, committed_db: Any, tmp_path: Path) -> None:
    if db.engine.dialect.name == "postgresql":
        need_tool("pg_dump")
        need_tool("pg_restore")
    _fill(app)
    before = _snapshot(app)
    assert before["files"] and sum(len(v) for v in before["tables"].values()) > 5
    archive = tmp_path / "registry-backup.tar.gz"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_size > 0
    with app.app_context():
        _mutate(app)
    assert _snapshot(app) != before
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _snapshot(app) == before


def test_restore_refuses_a_foreign_archive(app: Flask, committed_db: Any, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    import io
    import json
    import tarfile

    with tarfile.open(bogus, "w:gz") as tar:
        data = json.dumps({"format": 99}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "format" in result.output


def test_a_backup_kept_in_the_store_survives_gc_restore_and_later_backups(
    app: Flask, committed_db: Any, tmp_path: Path
) -> None:
    if db.engine.dialect.name == "postgresql":
        need_tool("pg_dump")
        need_tool("pg_restore")
    _fill(app)
    before = _snapshot(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup"]).exit_code == 2  # a FILE or --to-store
    result = runner.invoke(args=["backup", "--to-store"])
    assert result.exit_code == 0, result.output
    kept = [p for p in (Path(app.config["UPLOAD_DIR"]) / "backups").iterdir()]
    assert len(kept) == 1 and kept[0].name.startswith("ust-") and "backups/ust-" in result.output
    # Not an orphan, even past the grace period (the test's own files are: no row names them).
    gc = runner.invoke(args=["storage", "gc", "--grace-minutes", "0", "--dry-run"])
    assert gc.exit_code == 0 and "backups/" not in gc.output, gc.output
    # A later archive does not carry the earlier one inside it.
    second = tmp_path / "second.tar.gz"
    assert runner.invoke(args=["backup", str(second)]).exit_code == 0
    with tarfile.open(second) as tar:
        assert not [n for n in tar.getnames() if n.startswith("uploads/backups")]
    # Restoring the kept archive gives the data back and keeps the archive itself.
    with app.app_context():
        _mutate(app)
    result = runner.invoke(args=["restore", str(kept[0]), "--yes"])
    assert result.exit_code == 0, result.output
    assert (Path(app.config["UPLOAD_DIR"]) / "backups" / kept[0].name).exists()
    after = _snapshot(app)
    assert after["tables"] == before["tables"]
    assert {k: v for k, v in after["files"].items() if not k.startswith("backups/")} == before[
        "files"
    ]
