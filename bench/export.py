"""`/exports/assets.csv` at scale against `COPY … TO STDOUT` of the same columns (issue 24).

The registry (PostgreSQL, 1,000,000 assets; --quick: 10,000) is served by gunicorn with the
benches' settings; a regulator downloads the whole asset export over HTTP, read in 64 KB
chunks, while the worker's resident memory is sampled every 0.1 s. The reference is psycopg's
`COPY (the export's own select: asset, tank or pipeline part, facility) TO STDOUT WITH CSV`,
read the same way. Three runs each; medians. Reported: rows per second of each, the ratio
(budget ≥ 1/3) and the worker's peak resident memory over its resident memory before the
download (constant memory: it must not grow with the registry; compare --quick with the full
run).
"""

from __future__ import annotations

import http.client
import os
import statistics
import threading
import time
from typing import Any

import psycopg

from bench._http import gunicorn
from bench._http import session_cookie
from bench._setup import bench_user
from bench._setup import make_app
from bench._setup import pg_url
from bench._setup import registry_schema
from bench._setup import schema_url

RUNS = 3


def _export_sql(url: str, schema: str) -> tuple[str, int]:
    """The export's select for a regulator (no filter) as SQL text, and the regulator's id."""
    from registry.exports.services import _asset_select
    from registry.extensions import db

    app = make_app(url, schema)
    with app.app_context():
        user = bench_user("regulator")
        stmt = _asset_select(user, {}).order_by(None)
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        uid = user.id
        db.session.remove()
        db.engine.dispose()
    return sql, uid


def _copy(url: str, schema: str, sql: str) -> tuple[float, int]:
    """Seconds and lines of COPY (select) TO STDOUT WITH CSV."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
        start = time.perf_counter()
        lines = 0
        with conn.cursor().copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
            for block in copy:
                lines += bytes(block).count(b"\n")
        return time.perf_counter() - start, lines


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _workers(port: int) -> list[int]:
    """The gunicorn workers serving the port: forked from the master, they share its command
    line (`-b 127.0.0.1:<port>`); the master is the one whose parent is not among them."""
    mine = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                if f"127.0.0.1:{port}".encode() not in f.read():
                    continue
            with open(f"/proc/{name}/stat") as f:
                mine[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    return [pid for pid, parent in mine.items() if parent in mine]


def _download(port: int, cookie: str, pids: list[int]) -> tuple[float, int, int]:
    """Seconds, lines, and the largest growth of a worker's resident memory (KB)."""
    before = {pid: _rss_kb(pid) for pid in pids}
    peak = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], _rss_kb(pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", "/exports/assets.csv", headers={"Cookie": cookie})
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    lines = 0
    while chunk := resp.read(65536):
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    conn.close()
    return seconds, lines, max(peak[p] - before[p] for p in pids)


def _warm(port: int, cookie: str) -> None:
    """The workers build the app on their first request: an empty export for each."""
    for _ in range(4):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/exports/assets.csv?facility_id=0", headers={"Cookie": cookie})
        resp = conn.getresponse()
        assert resp.status == 200, resp.status
        resp.read()
        conn.close()


def run(quick: bool) -> list[dict[str, Any]]:
    """COPY and the HTTP export of every asset, medians of three runs."""
    if not pg_url():
        return [{"note": "no PostgreSQL (BENCH_DATABASE_URL)"}]
    n_assets = 10_000 if quick else 1_000_000
    with registry_schema(n_assets) as (url, schema):
        sql, uid = _export_sql(url, schema)
        cookie = session_cookie(make_app(url, schema), uid)
        copies = [_copy(url, schema, sql) for _ in range(RUNS)]
        env = {"DATABASE_URL": schema_url(url, schema), "SECRET_KEY": "bench"}
        with gunicorn("bench._wsgi:registry_app", env) as port:
            _warm(port, cookie)
            downloads = [_download(port, cookie, _workers(port)) for _ in range(RUNS)]
    copy_s = statistics.median(s for s, _ in copies)
    export_s = statistics.median(s for s, _, _ in downloads)
    rows = downloads[0][1] - 1
    assert rows == copies[0][1] - 1 == n_assets, (rows, copies[0][1], n_assets)
    return [
        {
            "assets": n_assets,
            "copy_rows_per_s": round(rows / copy_s),
            "export_rows_per_s": round(rows / export_s),
            "ratio": round(copy_s / export_s, 2),
            "budget": ">= 0.33",
            "ok": copy_s / export_s >= 1 / 3,
            "worker_peak_growth_mb": round(max(g for _, _, g in downloads) / 1024, 1),
            "export_s": round(export_s, 1),
            "copy_s": round(copy_s, 2),
        }
    ]

