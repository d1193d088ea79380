"""Log-in timing: a wrong password and an unknown e-mail address must cost the same.

Median of 20 of each through `POST /login`, interleaved so that load on the machine hits
both alike, with the production hash method (Werkzeug's default, scrypt). An unknown address
is checked against a dummy hash of the same method (`registry.auth.services.authenticate`);
without it the answer came ~30x faster and told which addresses have an account.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from typing import Any


def run(quick: bool) -> list[dict[str, Any]]:
    """Median time of wrong-password and unknown-e-mail log-ins."""
    from bench._setup import make_app
    from registry.auth.services import create_user
    from registry.extensions import db

    n = 5 if quick else 20
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/login.db", None, RATELIMIT_ENABLED=False)
        with app.app_context():
            db.create_all()
            create_user(email="known@bench.test", password="right-password-1", role="viewer")
            db.session.commit()
            method = app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        client = app.test_client()

        def attempt(email: str) -> float:
            start = time.perf_counter()
            resp = client.post("/login", data={"email": email, "password": "wrong-password-9"})
            assert resp.status_code == 401, resp.status_code
            return (time.perf_counter() - start) * 1000

        attempt("warm-up@bench.test")
        wrong, unknown = [], []
        for i in range(n):
            wrong.append(attempt("known@bench.test"))
            unknown.append(attempt(f"nobody{i}@bench.test"))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return [
        {
            "bench": "login timing",
            "hash": method,
            "attempts": n,
            "wrong password median ms": round(statistics.median(wrong), 1),
            "unknown e-mail median ms": round(statistics.median(unknown), 1),
        }
    ]
