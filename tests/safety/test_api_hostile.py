"""Hostile JSON for the API: 4xx with a JSON message (or stored intact), never a 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from registry.core.creditcode import complete

NUL = "a\x00b"
LONG = "长" * 10_000


def _org(**kw: Any) -> dict[str, Any]:
    return {"name": "接口公司", "credit_code": complete("91110101777777777"), **kw}


def _facility(world: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {
        "organization_id": world["org_a"].id,
        "name": "接口加油站",
        "kind": "gas_station",
        "latitude": 39.94,
        "longitude": 116.43,
        **kw,
    }


def _asset(world: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 20000,
        **kw,
    }


def _inspection(world: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"client_uuid": str(uuid.uuid4()), "asset_id": world["tank_a"].id, **kw}


# (name, path, who, body builder); bodies are JSON text so that 1e309 and NaN can be sent raw.
CASES: list[tuple[str, str, str, Any]] = [
    ("org-nul-name", "/api/v1/organizations", "regulator", lambda w: _org(name=NUL)),
    ("org-long-name", "/api/v1/organizations", "regulator", lambda w: _org(name=LONG)),
    ("org-nul-code", "/api/v1/organizations", "regulator", lambda w: _org(credit_code=NUL)),
    ("org-name-number", "/api/v1/organizations", "regulator", lambda w: _org(name=12)),
    ("org-name-list", "/api/v1/organizations", "regulator", lambda w: _org(name=["x"])),
    ("fac-nul-address", "/api/v1/facilities", "regulator", lambda w: _facility(w, address=NUL)),
    (
        "fac-huge-org",
        "/api/v1/facilities",
        "regulator",
        lambda w: _facility(w, organization_id=10**30),
    ),
    (
        "fac-negative-org",
        "/api/v1/facilities",
        "regulator",
        lambda w: _facility(w, organization_id=-1),
    ),
    ("fac-lat-inf", "/api/v1/facilities", "regulator", lambda w: _facility(w, latitude="INF")),
    ("fac-lat-999", "/api/v1/facilities", "regulator", lambda w: _facility(w, latitude=999)),
    (
        "asset-huge-capacity",
        "/api/v1/assets",
        "regulator",
        lambda w: _asset(w, capacity_litres=1e30),
    ),
    ("asset-negative", "/api/v1/assets", "regulator", lambda w: _asset(w, capacity_litres=-5)),
    ("asset-feb30", "/api/v1/assets", "regulator", lambda w: _asset(w, installed_on="2026-02-30")),
    (
        "asset-year-99999",
        "/api/v1/assets",
        "regulator",
        lambda w: _asset(w, installed_on="99999-01-01"),
    ),
    ("asset-year-0", "/api/v1/assets", "regulator", lambda w: _asset(w, installed_on="0000-01-01")),
    ("asset-nul-ref", "/api/v1/assets", "regulator", lambda w: _asset(w, operator_ref=NUL)),
    ("asset-nul-list", "/api/v1/assets", "regulator", lambda w: _asset(w, leak_detection=[NUL])),
    ("insp-nul-notes", "/api/v1/inspections", "inspector", lambda w: _inspection(w, notes=NUL)),
    ("insp-long-notes", "/api/v1/inspections", "inspector", lambda w: _inspection(w, notes=LONG)),
    (
        "insp-bad-uuid",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, client_uuid=NUL),
    ),
    (
        "insp-bad-time",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, performed_at="2026-13-45T99:00:00Z"),
    ),
    (
        "insp-nul-answer",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, answers=[{"item": "x", "value": NUL}]),
    ),
    (
        "insp-dict-answer",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, answers=[{"item": "x", "value": {"a": NUL}}]),
    ),
    (
        "insp-huge-answer",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, answers=[{"item": "x", "value": 1e308}]),
    ),
    (
        "insp-nul-finding",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(
            w, result="fail", findings=[{"severity": "high", "description": NUL}]
        ),
    ),
    (
        "insp-finding-date",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(
            w,
            result="fail",
            findings=[{"severity": "high", "description": "x", "due_on": "0000-00-00"}],
        ),
    ),
    (
        "insp-asset-overflow",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, asset_id=2**63),
    ),
    ("insp-not-object", "/api/v1/inspections", "inspector", lambda w: [1, 2, 3]),
    (
        "insp-deep",
        "/api/v1/inspections",
        "inspector",
        lambda w: _inspection(w, notes=json.loads("[" * 500 + "]" * 500)),
    ),
    ("token-nul-email", "/api/v1/auth/token", None, lambda w: {"email": NUL, "password": NUL}),
    ("token-long-email", "/api/v1/auth/token", None, lambda w: {"email": LONG, "password": LONG}),
]


def _headers(world: dict[str, Any], who: str | None, api_headers: Any) -> dict[str, str]:
    return api_headers(world["users"][who]) if who else {}


@pytest.mark.parametrize(("name", "path", "who", "body"), CASES, ids=[c[0] for c in CASES])
def test_hostile_json_is_refused_cleanly(
    client: Any, world: dict[str, Any], api_headers: Any, name: str, path: str, who: str, body: Any
) -> None:
    headers = {**_headers(world, who, api_headers), "Content-Type": "application/json"}
    resp = client.post(path, data=json.dumps(body(world)), headers=headers)
    assert 400 <= resp.status_code < 500, (
        name,
        resp.status_code,
        resp.get_data(as_text=True)[:300],
    )
    assert resp.is_json and resp.json.get("message"), name


@pytest.mark.parametrize(
    "raw", ['{"latitude": 1e309}', '{"latitude": NaN}', '{"name": "\\u0000"}', "{", "\xff\xfe"]
)
def test_unparseable_or_nonfinite_json(
    client: Any, world: dict[str, Any], api_headers: Any, raw: str
) -> None:
    body = json.dumps(_facility(world))[:-1] + ", " + raw[1:] if raw.startswith('{"') else raw
    headers = {**api_headers(world["users"]["regulator"]), "Content-Type": "application/json"}
    resp = client.post(
        "/api/v1/facilities", data=body.encode("utf-8", "surrogateescape"), headers=headers
    )
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]


def test_rtl_and_emoji_are_stored_intact_without_bidi_controls(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    # Right-to-left text and emoji are kept as typed; the override (U+202E) and the pop
    # (U+202C) that would make the name display as something else are removed (issue 27).
    name = "\u202eevil\u202c ⛽🛢️ مرحبا עברית"
    headers = api_headers(world["users"]["regulator"])
    resp = client.post("/api/v1/organizations", json=_org(name=name), headers=headers)
    assert resp.status_code == 201, resp.json
    assert (
        client.get(f"/api/v1/organizations/{resp.json['id']}", headers=headers).json["name"]
        == "evil ⛽🛢️ مرحبا עברית"
    )


@pytest.mark.parametrize("q", ["%00", "a%00"])
def test_nul_in_api_query_is_400(
    client: Any, world: dict[str, Any], api_headers: Any, q: str
) -> None:
    resp = client.get(f"/api/v1/assets?q={q}", headers=api_headers(world["users"]["regulator"]))
    assert resp.status_code == 400 and resp.is_json and "NUL" in resp.json["message"]


@pytest.mark.parametrize("email", [NUL, LONG, "%", "' OR 1=1 --"])
def test_login_form_with_hostile_email(client: Any, world: dict[str, Any], email: str) -> None:
    resp = client.post("/login", data={"email": email, "password": email})
    assert 200 <= resp.status_code < 500
    assert resp.status_code != 302  # not logged in


PATCHES = [
    {"version": "x", "operator_ref": "T1"},
    {"version": 10**30, "operator_ref": "T1"},
    {"version": -1, "operator_ref": "T1"},
    {"version": 1, "operator_ref": NUL},
    {"version": 1, "operator_ref": LONG},
    {"version": 1, "capacity_litres": 1e300},
    {"version": 1, "installed_on": "2026-02-30"},
    {"version": 1, "kind": "pipeline"},
    {"version": 1, "facility_id": 10**12},
]


@pytest.mark.parametrize("body", PATCHES, ids=[str(i) for i in range(len(PATCHES))])
def test_hostile_patches_are_refused(
    client: Any, world: dict[str, Any], api_headers: Any, body: dict[str, Any]
) -> None:
    tank = world["tank_a"]
    headers = api_headers(world["users"]["regulator"])
    before = client.get(f"/api/v1/assets/{tank.id}", headers=headers).json
    body = {**body, "version": before["version"] if body["version"] == 1 else body["version"]}
    resp = client.patch(f"/api/v1/assets/{tank.id}", json=body, headers=headers)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.json)
    assert resp.is_json and resp.json.get("message")
    after = client.get(f"/api/v1/assets/{tank.id}", headers=headers).json
    assert after == before  # nothing changed


@pytest.mark.parametrize(
    "path", ["/api/v1/facilities", "/api/v1/inspections", "/api/v1/auth/token", "/api/v1/assets"]
)
@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000], ids=["array", "object"])
def test_deeply_nested_json_is_400(
    client: Any, world: dict[str, Any], api_headers: Any, path: str, body: str
) -> None:
    """Python's JSON parser overflows its recursion limit on such bodies: a 400, not a 500."""
    headers = {**api_headers(world["users"]["regulator"]), "Content-Type": "application/json"}
    resp = client.post(path, data=body, headers=headers)
    assert resp.status_code == 400 and resp.json["message"]
