"""Requests per second of /t/<tag> and the inspection form page, against a bare Flask app.

Both served by gunicorn with the same workers and threads (bench._http), loaded by 8
keep-alive clients; registry on PostgreSQL with 100k assets (--quick: 10k). Budget: each
page ≥ 0.4× the bare app's rate. A third row, the probe (one line in the site's layout for a
logged-in user), shows what any registry page costs before its own content.
"""

from __future__ import annotations

import random
from typing import Any

import sqlalchemy as sa

from bench._http import gunicorn
from bench._http import load
from bench._http import session_cookie
from bench._setup import bench_user
from bench._setup import make_app
from bench._setup import pg_url
from bench._setup import registry_schema
from bench._setup import schema_url

BUDGET = 0.4
CLIENTS = 8
# Not a page of the product: one line in the layout for a logged-in user (bench._wsgi.probe_app),
# the least any page of the registry costs. Shown for reference, without a budget.
PROBE = "minimal page (login + layout)"


def _rate(port: int, paths: list[str], headers: dict[str, str], seconds: float) -> Any:
    rnd = random.Random(2)

    def make(_n: int, _i: int) -> Any:
        return ("GET", rnd.choice(paths), None, headers)

    load(port, make, clients=CLIENTS, seconds=1)  # warm up every worker
    return load(port, make, clients=CLIENTS, seconds=seconds)


def _targets(url: str, schema: str) -> tuple[dict[str, list[str]], str]:
    from registry.extensions import db

    app = make_app(url, schema)
    with app.app_context():
        uid = bench_user("inspector").id
        rows = db.session.execute(
            sa.text("SELECT id, tag FROM asset WHERE status = 'in_service' LIMIT 200")
        ).all()
        landing = any(r.rule.startswith("/t/") for r in app.url_map.iter_rules())
        db.session.remove()
        db.engine.dispose()
    cookie = session_cookie(app, uid)
    pages = {"/assets/<id>/inspect": [f"/assets/{r.id}/inspect" for r in rows]}
    pages["/t/<tag>"] = [f"/t/{r.tag}" for r in rows] if landing else []
    pages[PROBE] = ["/_bench/minimal"]
    return pages, cookie


def run(quick: bool) -> list[dict[str, Any]]:
    """Rates of each page and of the bare app, and their ratio."""
    if not pg_url():
        return [{"page": "n/a", "note": "no PostgreSQL (BENCH_DATABASE_URL)"}]
    seconds = 4.0 if quick else 15.0
    with gunicorn("bench._wsgi:bare_app") as port:
        bare = _rate(port, ["/"], {}, seconds).per_second
    rows: list[dict[str, Any]] = [{"page": "bare Flask", "rps": round(bare)}]
    n_assets = 10_000 if quick else 100_000
    with registry_schema(n_assets) as (url, schema):
        pages, cookie = _targets(url, schema)
        env = {"DATABASE_URL": schema_url(url, schema), "SECRET_KEY": "bench"}
        with gunicorn("bench._wsgi:probe_app", env) as port:
            for label, paths in pages.items():
                if not paths:
                    rows.append({"page": label, "rps": "n/a", "note": "route not on this branch"})
                    continue
                res = _rate(port, paths, {"Cookie": cookie}, seconds)
                assert res.errors == 0, f"{label}: {res.statuses}"
                ratio = res.per_second / bare
                rows.append(
                    {
                        "page": label,
                        "assets": n_assets,
                        "rps": round(res.per_second),
                        "ratio": round(ratio, 2),
                        "budget": "(reference)" if label == PROBE else f">= {BUDGET}",
                        "ok": "" if label == PROBE else ratio >= BUDGET,
                    }
                )
    return rows
