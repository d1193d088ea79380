"""p95 of the map's bbox query (`GET /api/v1/map/features`) at 1,000,000 assets (PostgreSQL).

The generated registry sits in one district; for a national map its facilities are moved to
clusters around 50 cities across China (Gaussian, σ ≈ 30 km), then the benchmark asks for
city viewports (≈ 0.2° × 0.15°, what a phone shows at zoom 13) around random city centres, as a
regulator (every facility) and as an operator (one organization), with all layers and with
facilities only, and for a zoomed-out view of a whole city (≈ 1° × 0.8°).
Through the Flask test client (no network); 3 runs of 40 requests, medians of the p95s.
--quick: 10,000 assets. Budget: p95 < 50 ms for the city viewport.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

import sqlalchemy as sa

from bench._setup import bench_user
from bench._setup import make_app
from bench._setup import percentile
from bench._setup import pg_url
from bench._setup import registry_schema

BUDGET_MS = 50.0
CITIES = 50
SIGMA_DEG = 0.3
VIEW = (0.2, 0.15)
CITY_VIEW = (1.0, 0.8)


def _centres(rnd: random.Random) -> list[tuple[float, float]]:
    return [(rnd.uniform(100.0, 122.0), rnd.uniform(22.0, 42.0)) for _ in range(CITIES)]


def _spread(db: Any, centres: list[tuple[float, float]]) -> None:
    """Move every facility to a city cluster (by id, so that reruns give the same map)."""
    values = ", ".join(f"({i}, {lon}, {lat})" for i, (lon, lat) in enumerate(centres))
    db.session.execute(
        sa.text(
            f"""
            UPDATE facility f SET
              longitude = round((c.lon + {SIGMA_DEG} * sqrt(-2 * ln(1 - (f.id * 0.6180339887) % 1))
                          * cos(2 * pi() * ((f.id * 0.7548776662) % 1)))::numeric, 6),
              latitude = round((c.lat + {SIGMA_DEG} * sqrt(-2 * ln(1 - (f.id * 0.6180339887) % 1))
                          * sin(2 * pi() * ((f.id * 0.7548776662) % 1)))::numeric, 6)
            FROM (VALUES {values}) AS c(i, lon, lat)
            WHERE c.i = f.id % {CITIES}
            """
        )
    )
    _receptors(db, centres)
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def _receptors(db: Any, centres: list[tuple[float, float]]) -> None:
    """Four receptors a city, and a stored distance for every facility (as if measured:
    what the map pays is reading them, whatever measured them)."""
    db.session.execute(sa.text("DELETE FROM facility_receptor_distance"))
    db.session.execute(sa.text("DELETE FROM receptor"))
    kinds = ("drinking_water_source", "school", "hospital", "underground_space")
    rows = []
    for i, (lon, lat) in enumerate(centres):
        for j, kind in enumerate(kinds):
            x, y = lon + 0.05 * (j - 1.5), lat + 0.03 * (j - 1.5)
            rows.append(
                {
                    "kind": kind,
                    "name": f"{kind}-{i}",
                    "geometry": json.dumps({"type": "Point", "coordinates": [x, y]}),
                    "x": x,
                    "y": y,
                }
            )
    db.session.execute(
        sa.text(
            "INSERT INTO receptor (kind, name, geometry, min_lon, min_lat, max_lon, max_lat,"
            " created_at) VALUES (:kind, :name, CAST(:geometry AS json), :x, :y, :x, :y, now())"
        ),
        rows,
    )
    for kind in kinds:
        db.session.execute(
            sa.text(
                "INSERT INTO facility_receptor_distance (facility_id, kind, metres)"
                " SELECT id, :kind, round((((id * 0.5698402910) % 1) * 20000)::numeric, 1)"
                " FROM facility"
            ),
            {"kind": kind},
        )


def _states(db: Any) -> None:
    """Compute the stored compliance state of every facility (`ust-registry map refresh`) when
    rows are missing: the generator writes by bulk SQL, past the hooks that keep them current.
    (The moves and distances `_spread` writes are the same on every run.)"""
    from registry.maps import states

    stored = db.session.scalar(
        sa.text("SELECT count(*) FROM facility_state WHERE fingerprint = :fp"),
        {"fp": states.fingerprint()},
    )
    if stored == db.session.scalar(sa.text("SELECT count(*) FROM facility")):
        return
    start = time.perf_counter()
    count = states.refresh_all()
    db.session.execute(sa.text("ANALYZE facility_state"))
    db.session.commit()
    print(f"map refresh: {count} facilities in {time.perf_counter() - start:.0f} s", flush=True)


def _boxes(centres: list[tuple[float, float]], size: tuple[float, float], n: int) -> list[str]:
    rnd = random.Random(7)
    out = []
    for _ in range(n):
        lon, lat = rnd.choice(centres)
        lon += rnd.gauss(0, SIGMA_DEG / 2)
        lat += rnd.gauss(0, SIGMA_DEG / 2)
        w, h = size
        out.append(f"{lon - w / 2:.5f},{lat - h / 2:.5f},{lon + w / 2:.5f},{lat + h / 2:.5f}")
    return out


def _client(app: Any, user_id: int) -> Any:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
    return client


def _p95s(client: Any, urls: list[str], runs: int) -> tuple[float, float, int]:
    """Median over runs of the p50 and p95 (ms), and the median feature count."""
    p50s, p95s, counts = [], [], []
    for _ in range(runs):
        times = []
        for url in urls:
            start = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert resp.status_code == 200, f"{url}: {resp.status_code}"
            counts.append(len(resp.get_json()["features"]))
        p50s.append(percentile(times, 50))
        p95s.append(percentile(times, 95))
    return statistics.median(p50s), statistics.median(p95s), int(statistics.median(counts))


def _operator(db: Any) -> int:
    from registry.auth.services import create_user
    from registry.sites.models import Organization

    org = db.session.scalar(
        sa.text("SELECT organization_id FROM facility GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    )
    email = "bench-map-operator@example.cn"
    found = db.session.scalar(sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": email})
    if found:
        return int(found)
    organization = db.session.get(Organization, org)
    user = create_user(
        email=email, password="bench-pass-123", role="operator", organization=organization
    )
    db.session.commit()
    return int(user.id)


def _cases(centres: list[tuple[float, float]], n: int) -> dict[str, list[str]]:
    base = "/api/v1/map/features?bbox="
    view, city = _boxes(centres, VIEW, n), _boxes(centres, CITY_VIEW, n)
    return {
        "viewport, all layers": [base + b for b in view],
        "viewport, facilities": [base + b + "&layers=facilities" for b in view],
        "whole city, facilities": [base + b + "&layers=facilities" for b in city],
    }


def _run_size(n_assets: int, n_requests: int, runs: int) -> list[dict[str, Any]]:
    from registry.extensions import db

    rows = []
    centres = _centres(random.Random(3))
    with registry_schema(n_assets) as (url, schema):
        app = make_app(url, schema, RATELIMIT_ENABLED=False)
        with app.app_context():
            _spread(db, centres)
            _states(db)
            users = {"regulator": bench_user().id, "operator": _operator(db)}
            db.session.remove()
        for role, user_id in users.items():
            client = _client(app, user_id)
            for label, urls in _cases(centres, n_requests).items():
                _p95s(client, urls[:5], 1)  # warm the caches
                p50, p95, count = _p95s(client, urls, runs)
                budgeted = label.startswith("viewport")
                rows.append(
                    {
                        "assets": n_assets,
                        "as": role,
                        "query": label,
                        "features": count,
                        "p50_ms": round(p50, 1),
                        "p95_ms": round(p95, 1),
                        "budget_ms": BUDGET_MS if budgeted else "",
                        "ok": (p95 < BUDGET_MS) if budgeted else "",
                    }
                )
        with app.app_context():
            db.engine.dispose()
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    """p95 of the bbox query at 1M assets (10k with --quick)."""
    if not pg_url():
        return [{"query": "n/a", "note": "no PostgreSQL (BENCH_DATABASE_URL)"}]
    if quick:
        return _run_size(10_000, 20, 1)
    return _run_size(1_000_000, 40, 3)
