"""Where one request's time goes: `python -m bench.profile [--assets N] [--requests N]`.

Profiles each page of `bench.rps` through the Flask test client (no network) on the generated
PostgreSQL registry, and splits the time by who spends it (own time of every function, grouped
by package: Flask-Login, Flask-Babel, Flask-WTF, SQLAlchemy, psycopg, Jinja, the compliance
engine, the rest of the registry, …). Written up in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from typing import Any

from bench._setup import make_app
from bench._setup import pg_url
from bench._setup import registry_schema

GROUPS = (
    ("flask_login", "Flask-Login"),
    ("flask_babel", "Flask-Babel"),
    ("babel/", "Babel"),
    ("flask_wtf", "Flask-WTF"),
    ("wtforms", "Flask-WTF"),
    ("flask_limiter", "Flask-Limiter"),
    ("limits/", "Flask-Limiter"),
    ("flask_smorest", "flask-smorest"),
    ("marshmallow", "marshmallow"),
    ("sqlalchemy", "SQLAlchemy"),
    ("psycopg", "psycopg (driver + wait on the server)"),
    ("jinja2", "Jinja"),
    ("markupsafe", "Jinja"),
    ("registry/compliance", "registry: compliance engine"),
    ("registry/", "registry: other"),
    ("inspection_api/", "registry: API"),
    ("templates/", "templates (compiled)"),
    ("werkzeug", "Werkzeug"),
    ("flask/", "Flask"),
)


def group_of(filename: str) -> str:
    """Who a function's own time belongs to, by its file."""
    for needle, name in GROUPS:
        if needle in filename:
            return name
    if filename.startswith("<") or "/lib/python3" in filename:
        return "Python (stdlib, builtins)"
    return "other"


def _as(client: Any, headers: dict[str, str]) -> dict[str, str]:
    """Put a Cookie header into the client's jar (the test client keeps its own)."""
    client._cookies.clear()
    cookie = headers.get("Cookie")
    if cookie:
        name, _, value = cookie.partition("=")
        client.set_cookie(name, value)
    return {k: v for k, v in headers.items() if k != "Cookie"}


def _count_statements(app: Any) -> list[int]:
    from sqlalchemy import event

    from registry.extensions import db

    counter = [0]
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args: Any) -> None:
            counter[0] += 1

    return counter


def profile(
    client: Any, paths: list[str], headers: dict[str, str], n: int, counter: list[int]
) -> dict[str, float]:
    """Milliseconds per request spent in each group, and the wall time per request."""
    headers = _as(client, headers)
    for path in paths[:3]:
        client.get(path, headers=headers)  # warm: compiled templates, cached statements
    prof = cProfile.Profile()
    counter[0] = 0
    start = time.perf_counter()
    prof.enable()
    for i in range(n):
        resp = client.get(paths[i % len(paths)], headers=headers)
        assert resp.status_code == 200, resp.status_code
    prof.disable()
    wall = (time.perf_counter() - start) * 1000 / n
    totals: dict[str, float] = {}
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.items():
        key = group_of(filename)
        totals[key] = totals.get(key, 0.0) + own * 1000 / n
    head = {"wall (profiled)": wall, "SQL statements": counter[0] / n}
    return {**head, **dict(sorted(totals.items(), key=lambda kv: -kv[1]))}


def main(argv: list[str] | None = None) -> int:
    """Profile every page of bench.rps and print the split."""
    from bench.rps import _targets

    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    assert pg_url(), "set BENCH_DATABASE_URL or TEST_DATABASE_URL"
    with registry_schema(args.assets) as (url, schema):
        targets, _ = _targets(url, schema)
        app = make_app(url, schema, RATELIMIT_ENABLED=False)
        client = app.test_client()
        counter = _count_statements(app)
        for label, (paths, headers) in targets.items():
            if label == "floor":
                continue
            print(f"\n## {label}")
            for group, ms in profile(client, paths, headers, args.requests, counter).items():
                print(f"  {group:<40} {ms:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
