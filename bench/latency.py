"""p95 latency of the registry's lists and a facility page at 100k and 1M assets (PostgreSQL).

Through the Flask test client (no network), as a regulator (who sees every asset: the
largest lists). --quick: 10k assets. Budget: p95 < 50 ms for each page.
"""

from __future__ import annotations

import random
import time
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from bench._setup import bench_user
from bench._setup import make_app
from bench._setup import percentile
from bench._setup import pg_url
from bench._setup import registry_schema

BUDGET_MS = 50.0


def _urls(db: Any, rnd: random.Random) -> dict[str, list[str]]:
    """A handful of concrete URLs for each kind of page, taken from the data."""
    conn = db.session
    top = conn.scalar(sa.text("SELECT max(id) FROM asset"))
    facs = conn.execute(sa.text("SELECT id, name FROM facility ORDER BY random() LIMIT 20")).all()
    assets = conn.execute(sa.text("SELECT tag FROM asset ORDER BY random() LIMIT 20")).all()
    codes = conn.execute(
        sa.text("SELECT credit_code FROM organization ORDER BY random() LIMIT 20")
    ).all()
    return {
        "/assets": ["/assets"],
        "/assets?after=": [f"/assets?page=2&after={rnd.randint(1, top - 100)}" for _ in range(20)],
        "/assets?q=<facility name>": [f"/assets?q={quote(f.name)}" for f in facs],
        "/assets?q=<tag>": [f"/assets?q={a.tag}" for a in assets],
        "/assets?q=<credit code>": [f"/assets?q={c.credit_code}" for c in codes],
        "/assets?q=<brand>": [f"/assets?q={quote('中石化')}"],
        "/facilities/<id>": [f"/facilities/{f.id}" for f in facs],
    }


def _measure(client: Any, urls: list[str], n: int) -> list[float]:
    times = []
    for i in range(n):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, f"{url}: {resp.status_code}"
    return times


def _run_size(n_assets: int, n_requests: int) -> list[dict[str, Any]]:
    from registry.extensions import db

    rows = []
    with registry_schema(n_assets) as (url, schema):
        app = make_app(url, schema)
        with app.app_context():
            user_id = bench_user().id
            urls = _urls(db, random.Random(1))
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = str(user_id)
            sess["_fresh"] = True
        for label, targets in urls.items():
            _measure(client, targets, 3)  # warm the caches
            times = _measure(client, targets, n_requests)
            p95 = percentile(times, 95)
            rows.append(
                {
                    "assets": n_assets,
                    "page": label,
                    "p50_ms": round(percentile(times, 50), 1),
                    "p95_ms": round(p95, 1),
                    "budget_ms": BUDGET_MS,
                    "ok": p95 < BUDGET_MS,
                }
            )
        with app.app_context():
            db.engine.dispose()
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    """p95 of each page at each size."""
    if not pg_url():
        return [{"page": "n/a", "note": "no PostgreSQL (BENCH_DATABASE_URL)"}]
    sizes = (10_000,) if quick else (100_000, 1_000_000)
    rows: list[dict[str, Any]] = []
    for n in sizes:
        rows += _run_size(n, 20 if quick else 40)
    return rows
