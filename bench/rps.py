"""What one request costs: the registry's pages against a same-stack floor, in one run.

Served by gunicorn with the same workers and threads (bench._http), loaded by wrk (16
connections, loopback). The floor (`bench._wsgi:floor_app`) is any Flask + SQLAlchemy + Jinja
app doing the same look-up: a token by its hash, an asset by its tag, a compiled layout rendered.
The bare app (a fixed string) stays as a reference. Pages: `/t/<tag>` anonymous and as an
inspector, the inspection form, an operator's start page, `GET /api/v1/reminders` for an
operator with 20 tanks (bearer token), the asset list. Three rounds, each measuring the floor and
every page; the table gives medians of the three (rates, p50, p99 and the ratio to the floor of
the same round). Registry on PostgreSQL with 100k assets (--quick: 10k, rounds of 3 s).
Budgets (issue 24): `/t/<tag>` ≥ 0.8×, the form ≥ 0.5×, reminders ≥ 0.5×; p99 ≤ 30 ms or 5× the
floor's.
"""

from __future__ import annotations

import http.client
import random
import shutil
import statistics
import time
from typing import Any

import sqlalchemy as sa

from bench._http import gunicorn
from bench._http import session_cookie
from bench._http import wrk
from bench._setup import bench_user
from bench._setup import make_app
from bench._setup import pg_url
from bench._setup import registry_schema
from bench._setup import schema_url

ROUNDS = 3
BUDGETS = {
    "/t/<tag> (anonymous)": 0.8,
    "/t/<tag> (inspector)": 0.8,
    "inspection form": 0.5,
    "GET /api/v1/reminders (20 tanks)": 0.5,
}
OPERATOR = "bench-rps-operator@example.cn"


def _operator_with_20_tanks() -> Any:
    """An operator whose organization has 5 stations of 4 tanks (created once)."""
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import find_user_by_email
    from registry.core.creditcode import complete
    from registry.extensions import db
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    user = find_user_by_email(OPERATOR)
    if user is not None:
        return user
    org = create_organization(
        {"name": "基准测试能源有限公司", "credit_code": complete("91110101987654321")}
    )
    for f in range(5):
        fac = create_facility(
            {
                "organization_id": org.id,
                "name": f"基准测试第{f}加油站",
                "kind": "gas_station",
                "status": "active",
                "latitude": 39.9,
                "longitude": 116.4,
            },
            by=None,
        )
        for t in range(4):
            create_asset(
                {
                    "facility_id": fac.id,
                    "kind": "tank",
                    "operator_ref": f"T{t}",
                    "substance": "gasoline",
                    "status": "in_service",
                    "wall": "double",
                    "leak_detection": ["interstitial"],
                },
                by=None,
            )
    user = create_user(email=OPERATOR, password="bench-pass-123", role="operator", organization=org)
    db.session.commit()
    return user


def _targets(url: str, schema: str) -> tuple[dict[str, tuple[list[str], dict[str, str]]], str]:
    """{label: (paths, headers)} of every page, and the floor's bearer token."""
    from registry.auth.services import issue_token
    from registry.extensions import db

    app = make_app(url, schema)
    with app.app_context():
        inspector = bench_user("inspector")
        operator = _operator_with_20_tanks()
        token = issue_token(operator, days=1)
        floor_token = issue_token(inspector, days=1)
        db.session.commit()
        rows = db.session.execute(
            sa.text("SELECT id, tag FROM asset WHERE status = 'in_service' ORDER BY id LIMIT 200")
        ).all()
        ids = (inspector.id, operator.id)
        db.session.remove()
        db.engine.dispose()
    as_inspector = {"Cookie": session_cookie(app, ids[0])}
    as_operator = {"Cookie": session_cookie(app, ids[1])}
    tags = [f"/t/{r.tag}" for r in rows]
    pages = {
        "/t/<tag> (anonymous)": (tags, {}),
        "/t/<tag> (inspector)": (tags, as_inspector),
        "inspection form": ([f"/assets/{r.id}/inspect" for r in rows], as_inspector),
        "operator start page": (["/facilities"], as_operator),  # where "/" sends an operator
        "GET /api/v1/reminders (20 tanks)": (
            ["/api/v1/reminders"],
            {"Authorization": f"Bearer {token}"},
        ),
        "asset list": (["/assets"], as_inspector),
    }
    floor = ([f"/floor/{r.tag}" for r in rows], {"Authorization": f"Bearer {floor_token}"})
    return {"floor": floor, **pages}, floor_token


def _ready(port: int, path: str, headers: dict[str, str]) -> None:
    """Wait until the workers answer (they build the app after the port is open)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers=headers)
            status = conn.getresponse().status
            conn.close()
            if status < 400:
                wrk(port, [path], headers, seconds=2)  # every worker and thread warm
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no worker answered {path}")


def _round(
    env: dict[str, str], targets: dict[str, tuple[list[str], dict[str, str]]], seconds: float
) -> dict[str, Any]:
    """One measurement of every target (floor and bare included)."""
    out: dict[str, Any] = {}
    with gunicorn("bench._wsgi:bare_app") as port:
        _ready(port, "/", {})
        out["bare Flask (reference)"] = wrk(port, ["/"], {}, seconds=seconds)
    with gunicorn("bench._wsgi:floor_app", env) as port:
        paths, headers = targets["floor"]
        _ready(port, paths[0], headers)
        out["floor"] = wrk(port, paths, headers, seconds=seconds)
    with gunicorn("bench._wsgi:registry_app", env) as port:
        for label, (paths, headers) in targets.items():
            if label == "floor":
                continue
            _ready(port, paths[0], headers)
            out[label] = wrk(port, paths, headers, seconds=seconds)
    for label, res in out.items():
        assert res.bad == 0, f"{label}: {res.bad} bad answers"
    return out


def _row(label: str, rounds: list[dict[str, Any]]) -> dict[str, Any]:
    rps = statistics.median(r[label].per_second for r in rounds)
    ratio = statistics.median(r[label].per_second / r["floor"].per_second for r in rounds)
    p99 = statistics.median(r[label].p99_ms for r in rounds)
    floor_p99 = statistics.median(r["floor"].p99_ms for r in rounds)
    row: dict[str, Any] = {
        "page": label,
        "rps": round(rps),
        "ratio": round(ratio, 2),
        "p50_ms": round(statistics.median(r[label].p50_ms for r in rounds), 1),
        "p99_ms": round(p99, 1),
    }
    budget = BUDGETS.get(label)
    if budget is not None:
        row["budget"] = f">= {budget}x, p99 <= {max(30.0, 5 * floor_p99):.0f} ms"
        row["ok"] = ratio >= budget and p99 <= max(30.0, 5 * floor_p99)
    return row


def run(quick: bool) -> list[dict[str, Any]]:
    """Rates and latencies of each page and of the floor, medians of three rounds."""
    if not pg_url():
        return [{"page": "n/a", "note": "no PostgreSQL (BENCH_DATABASE_URL)"}]
    if shutil.which("wrk") is None:
        return [{"page": "n/a", "note": "wrk is not installed (apt-get install wrk)"}]
    n_assets = 10_000 if quick else 100_000
    with registry_schema(n_assets) as (url, schema):
        targets, _ = _targets(url, schema)
        env = {"DATABASE_URL": schema_url(url, schema), "SECRET_KEY": "bench"}
        random.seed(2)
        rounds = [_round(env, targets, 3.0 if quick else 8.0) for _ in range(ROUNDS)]
    return [{"assets": n_assets, **_row(label, rounds)} for label in rounds[0]]
