"""Every route that changes something refuses a logged-in browser's request without a CSRF token.

The routes come from the app's URL map, so a new form is covered the day it is added. The
whole database is compared before and after: a refused request changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask import url_for

from registry.extensions import db as _db
from tests.safety.hostile import build

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
EXEMPT = {"api_auth.Token"}  # exchanges a password for a token: no session to ride on


def _unsafe_rules(app: Flask, api: bool) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT or rule.rule.startswith("/api/") != api:
            continue
        found.extend((rule.endpoint, m) for m in sorted(set(rule.methods or ()) & set(UNSAFE)))
    return sorted(found)


def _world(app: Flask) -> tuple[Any, dict[str, Any]]:
    from registry.auth.services import create_user

    with app.app_context():
        users = {
            role: create_user(email=f"{role}@csrf.test", password="long-enough-1", role=role)
            for role in ("regulator", "inspector")
        }
        _db.session.commit()
        rows = build("csrf", users)
        values = {
            "org_id": rows["org"].id,
            "facility_id": rows["facility"].id,
            "asset_id": rows["tank"].id,
            "inspection_id": rows["passed"].id,
            "filing_id": rows["filing"].id,
            "action_id": rows["action"].id,
            "user_id": users["inspector"].id,
            "number": rows["cert"].number,
            "token_id": 1,
            "step": "verify",
            "photo_id": 1,
            "record_id": 1,
            "id": 1,
        }
        return users["regulator"].email, values


def _snapshot(app: Flask) -> dict[str, list[Any]]:
    with app.app_context():
        with _db.engine.connect() as conn:
            return {
                t.name: sorted(map(repr, conn.execute(sa.select(t)).all()))
                for t in _db.metadata.sorted_tables
            }


def _logged_in(app: Flask, email: str) -> Any:
    client = app.test_client()
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)
    )
    assert token
    resp = client.post(
        "/login", data={"email": email, "password": "long-enough-1", "csrf_token": token.group(1)}
    )
    assert resp.status_code == 302
    return client


def _url(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        # An argument this world has no row for (a route added later) still gets a plausible
        # id: the token check runs before the view looks anything up.
        return url_for(endpoint, **{k: values.get(k, 1) for k in rule.arguments})


@pytest.mark.parametrize("api", [False, True], ids=["forms", "api-with-cookie"])
def test_every_unsafe_route_refuses_a_missing_token(strict_app: Flask, api: bool) -> None:
    email, values = _world(strict_app)
    client = _logged_in(strict_app, email)
    rules = _unsafe_rules(strict_app, api)
    assert len(rules) >= (10 if api else 25)
    before = _snapshot(strict_app)
    answers = {}
    for endpoint, method in rules:
        url = _url(strict_app, endpoint, values)
        resp = client.open(url, method=method, data={"name": "x", "notes": "x", "reason": "x"})
        answers[f"{method} {url}"] = resp.status_code
    assert {k: v for k, v in answers.items() if v != 400} == {}
    assert _snapshot(strict_app) == before
    # The same session with a forged token is refused too.
    url = _url(strict_app, rules[0][0], values)
    assert client.open(url, method=rules[0][1], data={"csrf_token": "forged"}).status_code == 400
