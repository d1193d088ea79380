"""Monitoring alerts: the time of one `alerts()` call (the regulator's dashboard tile and
`GET /api/v1/alerts`), which scans every reading once and runs Mann–Kendall per series.

Data: 1,000 monitoring points (500 facilities) × 6 parameters × 20 quarterly readings =
120,000 readings (--quick: 100 points, 12,000 readings), bulk-inserted, on SQLite and (with
BENCH_DATABASE_URL or TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._setup import on_both_databases
from bench.reminders import _app

PARAMETERS = ("tph", "benzene", "toluene", "ethylbenzene", "xylenes", "mtbe")
READINGS = 20


def _generate(db: Any, n_points: int) -> int:
    from registry.monitoring.models import MonitoringPoint
    from registry.monitoring.models import MonitoringReading
    from registry.sites.models import Facility
    from registry.sites.models import Organization

    rnd = random.Random(8)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    conn = db.session.connection()
    conn.execute(
        sa.insert(Organization.__table__),
        [
            {
                "id": 1,
                "name": "org",
                "credit_code": "0" * 18,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    n_fac = max(1, n_points // 2)
    conn.execute(
        sa.insert(Facility.__table__),
        [
            {
                "id": i + 1,
                "organization_id": 1,
                "name": f"f{i}",
                "kind": "gas_station",
                "status": "active",
                "key_supervised": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n_fac)
        ],
    )
    conn.execute(
        sa.insert(MonitoringPoint.__table__),
        [
            {
                "id": i + 1,
                "facility_id": i % n_fac + 1,
                "name": f"MW-{i}",
                "kind": "groundwater_well",
                "version": 1,
                "created_at": now,
            }
            for i in range(n_points)
        ],
    )
    rows = []
    for p in range(n_points):
        for parameter in PARAMETERS:
            drift = rnd.choice((0.0, 0.0, 0.0005))  # a third of the series rise
            for k in range(READINGS):
                rows.append(
                    {
                        "point_id": p + 1,
                        "parameter": parameter,
                        "unit": "mg/L",
                        "value": max(0.0, rnd.gauss(0.004 + drift * k, 0.002)),
                        "sampled_on": date(2021, 1, 1) + timedelta(days=91 * k),
                        "created_at": now,
                    }
                )
    for i in range(0, len(rows), 20000):
        conn.execute(sa.insert(MonitoringReading.__table__), rows[i : i + 20000])
    db.session.commit()
    return len(rows)


def _measure(label: str, url: str, schema: str | None, quick: bool) -> dict[str, Any]:
    from registry.extensions import db
    from registry.monitoring.alerts import alerts

    n_points = 100 if quick else 1000
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, schema, Path(tmp))
        with app.app_context():
            db.create_all()
            n_readings = _generate(db, n_points)
            times, found = [], []
            for _ in range(3):
                start = time.perf_counter()
                found = alerts(None)
                times.append(time.perf_counter() - start)
                db.session.rollback()
            db.session.remove()
            db.engine.dispose()
    kinds = [a.kind for a in found]
    return {
        "benchmark": "monitoring alerts",
        "database": label,
        "points": n_points,
        "readings": n_readings,
        "exceedances": kinds.count("exceedance"),
        "rising trends": kinds.count("rising_trend"),
        "alerts() median s": f"{statistics.median(times):.3f}",
    }


def run(quick: bool) -> list[dict[str, Any]]:
    """Time the alert computation on SQLite and PostgreSQL."""
    return on_both_databases(_measure, quick)


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
