"""Bulk import of 10,000 rows against its floor: a raw executemany insert of the same rows.

The import is the whole `import_assets()` call on a CSV (parse, schema validation, facility
and re-import look-ups, tags, bulk insert, audit events) plus the commit. The floor inserts
the already-typed rows into `asset` and `tank`/`pipeline` with two executemany statements
and commits. A re-import of the same file (every row matched, nothing changed) is timed too,
and a CSV export of all the assets (the imported rows and the floor's: 2 × 10,000).
SQLite always; PostgreSQL with BENCH_DATABASE_URL or TEST_DATABASE_URL.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._setup import on_both_databases
from bench.reminders import _app

N_FACILITIES = 50


def _world(db: Any) -> tuple[Any, list[int]]:
    from registry.auth.services import create_user
    from registry.sites.models import Facility
    from registry.sites.models import Organization

    org = Organization(name="bench", credit_code="91110000000000000X")
    db.session.add(org)
    db.session.flush()
    facilities = [
        Facility(organization_id=org.id, name=f"fac{i}", kind="gas_station")
        for i in range(N_FACILITIES)
    ]
    db.session.add_all(facilities)
    user = create_user(email="bench@example.cn", password="bench-pass-1", role="regulator")
    db.session.commit()
    return user, [f.id for f in facilities]


def _csv(n: int, facility_ids: list[int], prefix: str) -> bytes:
    header = "facility_id,kind,operator_ref,substance,status,installed_on,wall,material,"
    header += "leak_detection,capacity_litres,compartments,piping_type,length_m"
    lines = [header]
    for i in range(n):
        fid = facility_ids[i % len(facility_ids)]
        common = f"{fid},{{kind}},{prefix}{i},diesel,in_service,2015-03-01,double,frp,"
        if i % 4 == 3:
            lines.append(common.format(kind="pipeline") + "interstitial,,,pressurized,40")
        else:
            lines.append(common.format(kind="tank") + f"interstitial;atg,{20000 + i},2,,")
    return ("\n".join(lines) + "\n").encode()


def _floor_rows(n: int, facility_ids: list[int], first_id: int) -> tuple[list[Any], ...]:
    now = datetime.now(UTC)
    assets, tanks, pipes = [], [], []
    for i in range(n):
        pid = first_id + i
        kind = "pipeline" if i % 4 == 3 else "tank"
        assets.append(
            {
                "id": pid,
                "facility_id": facility_ids[i % len(facility_ids)],
                "kind": kind,
                "tag": f"F{pid:011d}",
                "operator_ref": f"FLOOR{i}",
                "substance": "diesel",
                "status": "in_service",
                "installed_on": date(2015, 3, 1),
                "wall": "double",
                "material": "frp",
                "leak_detection": ["interstitial"]
                if kind == "pipeline"
                else ["interstitial", "atg"],
                "red_tagged": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        if kind == "tank":
            tanks.append(
                {
                    "id": pid,
                    "capacity_litres": 20000.0 + i,
                    "compartments": 2,
                    "spill_containment": False,
                    "overfill_prevention": False,
                }
            )
        else:
            pipes.append(
                {
                    "id": pid,
                    "piping_type": "pressurized",
                    "length_m": 40.0,
                    "line_leak_detector": False,
                }
            )
    return assets, tanks, pipes


def _floor(db: Any, n: int, facility_ids: list[int]) -> float:
    from registry.assets.models import Asset
    from registry.assets.models import Pipeline
    from registry.assets.models import Tank

    assets, tanks, pipes = _floor_rows(n, facility_ids, 10_000_000)
    start = time.perf_counter()
    conn = db.session.connection()
    conn.execute(sa.insert(Asset.__table__), assets)
    conn.execute(sa.insert(Tank.__table__), tanks)
    conn.execute(sa.insert(Pipeline.__table__), pipes)
    db.session.commit()
    return time.perf_counter() - start


def _import(app: Any, db: Any, user: Any, data: bytes) -> tuple[float, Any]:
    from registry.exports.imports import import_assets

    with app.test_request_context():
        start = time.perf_counter()
        report = import_assets(user, data, "bench.csv")
        assert not report.errors, report.errors[:3]
        db.session.commit()
        return time.perf_counter() - start, report


def _export(app: Any, user: Any) -> tuple[float, int]:
    """Time a CSV export of every asset (the rows imported and the floor's)."""
    from registry.exports import services
    from registry.exports import writers
    from registry.exports.rows import ASSET_COLUMNS

    with app.test_request_context():
        start = time.perf_counter()
        size = sum(len(c) for c in writers.csv_chunks(ASSET_COLUMNS, services.asset_rows(user, {})))
        return time.perf_counter() - start, size


def _measure(label: str, url: str, schema: str | None, quick: bool) -> dict[str, Any]:
    from registry.extensions import db

    n = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, schema, Path(tmp))
        with app.app_context():
            db.create_all()
            user, facility_ids = _world(db)
            data = _csv(n, facility_ids, "IMP")
            import_s, report = _import(app, db, user, data)
            assert report.created == n
            reimport_s, again = _import(app, db, user, data)
            assert again.created == 0 and again.updated == n
            floor_s = _floor(db, n, facility_ids)
            # Fresh planner statistics, as a database in use has (the engine's query needs them).
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
            export_s, size = _export(app, user)
            db.session.remove()
            if schema is None:
                db.drop_all()
            db.engine.dispose()
    return {
        "db": label,
        "rows": n,
        "import_s": round(import_s, 2),
        "floor_s": round(floor_s, 2),
        "ratio": round(import_s / floor_s, 1),
        "reimport_s": round(reimport_s, 2),
        "export_csv_s": round(export_s, 2),
        "export_mb": round(size / 1e6, 1),
    }


def run(quick: bool) -> list[dict[str, Any]]:
    """Time a 10,000-row import against the raw insert floor on SQLite and PostgreSQL."""
    return on_both_databases(_measure, quick)
