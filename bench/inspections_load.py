"""POST /api/v1/inspections from 50 concurrent clients for 60 s (--quick: 10 s) on gunicorn + PG.

Each client is an inspector's phone with its own token sending new inspections (a fresh
client_uuid each, every yes/no item answered) of random assets. Reports accepted/s,
errors (must be 0) and p95. Registry of 100k assets (--quick: 10k).
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import sqlalchemy as sa

from bench._http import gunicorn
from bench._http import load
from bench._setup import bench_user
from bench._setup import make_app
from bench._setup import percentile
from bench._setup import pg_url
from bench._setup import registry_schema
from bench._setup import schema_url

CLIENTS = 50


def _bodies(url: str, schema: str) -> tuple[list[tuple[int, list[dict[str, str]]]], str]:
    """(asset id, answers) for some in-service tanks, and a bearer token."""
    from registry.assets.models import Asset
    from registry.auth.services import issue_token
    from registry.extensions import db
    from registry.inspections.checklists import load_checklist

    app = make_app(url, schema)
    with app.app_context():
        user = bench_user("inspector")
        token = issue_token(user, days=1, name="bench")
        ids = db.session.scalars(
            sa.text("SELECT id FROM tank WHERE id IN (SELECT id FROM asset WHERE status = "
                    "'in_service') LIMIT 300")
        ).all()  # fmt: skip
        checklist = load_checklist()
        out = []
        for aid in ids:
            asset = db.session.get(Asset, aid)
            items = [i for i in checklist.for_asset(asset) if i.type == "yesno"]
            out.append((aid, [{"item": i.code, "value": "yes"} for i in items]))
        db.session.commit()
        db.engine.dispose()
    return out, token


def run(quick: bool) -> list[dict[str, Any]]:
    """Accepted submissions per second, errors and p95 latency."""
    if not pg_url():
        return [{"note": "n/a: no PostgreSQL (BENCH_DATABASE_URL)"}]
    seconds = 10.0 if quick else 60.0
    n_assets = 10_000 if quick else 100_000
    with registry_schema(n_assets) as (url, schema):
        bodies, token = _bodies(url, schema)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        rnd = random.Random(4)

        def make(_n: int, _i: int) -> Any:
            aid, answers = rnd.choice(bodies)
            body = {"client_uuid": str(uuid.uuid4()), "asset_id": aid, "answers": answers}
            return ("POST", "/api/v1/inspections", json.dumps(body).encode(), headers)

        env = {"DATABASE_URL": schema_url(url, schema), "SECRET_KEY": "bench"}
        with gunicorn("bench._wsgi:registry_app", env) as port:
            res = load(port, make, clients=CLIENTS, seconds=seconds)
    accepted = res.statuses.get(201, 0)
    assert res.errors == 0, f"errors: {res.statuses}"
    return [
        {
            "clients": CLIENTS,
            "seconds": round(res.seconds, 1),
            "accepted": accepted,
            "accepted_per_s": round(accepted / res.seconds, 1),
            "errors": res.errors,
            "p50_ms": round(percentile(res.latencies_ms, 50)),
            "p95_ms": round(percentile(res.latencies_ms, 95)),
        }
    ]
