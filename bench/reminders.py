"""The reminder computation against its floor: one hand-written SQL query for the same set.

Data: 100,000 assets (3 a facility) with 2,000,000 activity records (--quick: 5,000 and
100,000), bulk-inserted, on SQLite and (with BENCH_DATABASE_URL or TEST_DATABASE_URL) on
PostgreSQL. The engine run is the whole `due_items()` call (query, Python due dates, sort);
the floor is one SQL statement returning the same (obligation, asset/facility) pairs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._setup import on_both_databases

AS_OF = date(2026, 11, 20)
WINDOW = 14


def _app(url: str, schema: str | None, tmp: Path) -> Any:
    from registry import create_app

    options: dict[str, Any] = {}
    if schema:
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "SECRET_KEY": "bench",
            "RULE_PACK": "cn-beijing",
            "REMINDER_WINDOW_DAYS": WINDOW,
            "UPLOAD_DIR": str(tmp),
        }
    )


def _generate(db: Any, n_assets: int, n_records: int) -> None:
    """Three tanks a facility (the floor below covers the obligations of tanks only)."""
    from bench.generate import ACTIVITIES
    from bench.generate import Spec
    from bench.generate import generate

    spec = Spec(n_assets, tanks=(3, 3), pipelines=(0, 0), records=n_records, inspections=0)
    assert spec.activities == ACTIVITIES
    conn = db.session.connection()
    generate(conn, spec)
    # The plain profile: gas stations, not key supervised, one substance (no extra obligations).
    conn.execute(sa.text("UPDATE facility SET kind = 'gas_station', key_supervised = false"))
    conn.execute(sa.text("UPDATE asset SET substance = 'gasoline'"))
    conn.execute(sa.text("ANALYZE"))
    db.session.commit()


def _floor_sql(limit: date) -> tuple[str, dict[str, Any]]:
    """The hand-written query: the cn-beijing obligations that this data can trigger."""
    from registry.compliance.intervals import Interval

    d30, y1 = Interval(days=30), Interval(years=1)

    def asset_branch(code: str, activity: str, where: str, interval: Interval) -> str:
        return f"""
        SELECT '{code}' AS ob, id, fid FROM (
          SELECT a.id, a.facility_id AS fid, a.installed_on AS base,
            (SELECT max(r.performed_on) FROM activity_record r
              WHERE r.asset_id = a.id AND r.activity = '{activity}' AND r.result = 'pass'
                AND r.performed_on <= :as_of) AS last
          FROM asset a JOIN facility f ON f.id = a.facility_id
          LEFT JOIN tank t ON t.id = a.id
          WHERE f.status = 'active' AND a.status = 'in_service' {where}) x
        WHERE (last IS NULL AND base <= :b_{code}) OR last <= :b_{code}"""

    sql = " UNION ALL ".join(
        [
            asset_branch("patrol", "patrol", "", d30),
            asset_branch(
                "interstitial_monitoring_check",
                "interstitial_monitoring_check",
                "AND a.wall = 'double'",
                d30,
            ),
            asset_branch(
                "observation_pipe_check",
                "observation_pipe_check",
                "AND a.kind = 'tank' AND a.wall = 'single' AND a.anti_seepage = 'seepage_pit'",
                d30,
            ),
            asset_branch(
                "leak_detection_equipment_check",
                "leak_detection_equipment_check",
                "AND (CAST(a.leak_detection AS VARCHAR) LIKE '%\"interstitial\"%' "
                "OR CAST(a.leak_detection AS VARCHAR) LIKE '%\"atg\"%' "
                "OR CAST(a.leak_detection AS VARCHAR) LIKE '%\"vapour\"%')",
                y1,
            ),
            """
        SELECT 'basic_information_report' AS ob, NULL AS id, id AS fid FROM (
          SELECT f.id, f.registered_on,
            (SELECT max(r.performed_on) FROM activity_record r WHERE r.facility_id = f.id
               AND r.activity = 'basic_information_report' AND r.result = 'pass'
               AND r.performed_on <= :as_of) AS last
          FROM facility f WHERE f.status = 'active' AND EXISTS (SELECT 1 FROM asset a
            WHERE a.facility_id = f.id AND a.status IN ('in_service', 'temporarily_closed'))) x
        WHERE (last IS NULL AND registered_on <= :registered_bound) OR last <= :b_bir""",
        ]
    )
    params: dict[str, Any] = {
        "as_of": AS_OF,
        "b_patrol": d30.latest_start(limit),
        "b_interstitial_monitoring_check": d30.latest_start(limit),
        "b_observation_pipe_check": d30.latest_start(limit),
        "b_leak_detection_equipment_check": y1.latest_start(limit),
        "b_bir": y1.latest_start(limit),
        "registered_bound": limit,
    }
    return sql, params


def _time(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _measure(label: str, url: str, schema: str | None, quick: bool) -> dict[str, Any]:
    from registry.compliance.services import due_items
    from registry.extensions import db

    n_assets, n_records = (5_000, 100_000) if quick else (100_000, 2_000_000)
    repeat = 3 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, schema, Path(tmp))
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            _generate(db, n_assets, n_records)
            generated = time.perf_counter() - t0
            sql, params = _floor_sql(AS_OF + timedelta(days=WINDOW))
            stmt = sa.text(sql)

            def floor() -> set[tuple[str, Any, Any]]:
                rows = db.session.execute(stmt, params).all()
                return {(r.ob, r.id, r.fid) for r in rows}

            def engine_run() -> set[tuple[str, Any, Any]]:
                items = due_items(None, as_of=AS_OF)
                return {(i.obligation, i.asset_id, i.facility_id) for i in items}

            floor_s, floor_set = _time(floor, repeat)
            engine_s, engine_set = _time(engine_run, repeat)
            assert engine_set == floor_set, (
                f"{label}: engine and floor differ: {len(engine_set ^ floor_set)} pairs"
            )
            db.session.remove()
            if schema is None:
                db.drop_all()
            db.engine.dispose()
    return {
        "db": label,
        "assets": n_assets,
        "records": n_records,
        "items": len(engine_set),
        "generate_s": round(generated, 1),
        "engine_s": round(engine_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(engine_s / floor_s, 2),
    }


def run(quick: bool) -> list[dict[str, Any]]:
    """Time the reminder computation against the floor on SQLite and PostgreSQL."""
    return on_both_databases(_measure, quick)
