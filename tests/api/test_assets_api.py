"""The assets API: create, list, get, PATCH with version, by-tag."""

from __future__ import annotations

from typing import Any

from registry.assets.tags import display


def test_create_list_get_patch(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = api_headers(world["users"]["operator_a"])
    body = {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 20000,
        "installed_on": "2019-04-01",
        "wall": "double",
        "leak_detection": ["interstitial", "atg"],
    }
    r = client.post("/api/v1/assets", json=body, headers=h)
    assert r.status_code == 201, r.json
    created = r.json
    assert created["tag"][4] == "-" and created["version"] == 1 and created["red_tagged"] is False
    r = client.get(f"/api/v1/assets/{created['id']}", headers=h)
    assert r.status_code == 200 and r.json["capacity_litres"] == 20000
    r = client.patch(
        f"/api/v1/assets/{created['id']}", json={"version": 1, "substance_detail": "0#"}, headers=h
    )
    assert r.status_code == 200 and r.json["version"] == 2 and r.json["substance_detail"] == "0#"
    r = client.patch(
        f"/api/v1/assets/{created['id']}",
        json={"version": 1, "substance_detail": "-10#"},
        headers=h,
    )
    assert r.status_code == 409 and r.json["current_version"] == 2
    r = client.get("/api/v1/assets?page_size=1", headers=h)
    assert r.status_code == 200 and len(r.json) == 1
    import json

    assert json.loads(r.headers["X-Pagination"])["total"] == 3  # tank, pipeline, new tank of A


def test_validation_errors_per_field(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = api_headers(world["users"]["operator_a"])
    body = {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "petrol",
        "capacity_litres": -5,
        "installed_on": "2999-01-01",
        "length_m": 3,
    }
    r = client.post("/api/v1/assets", json=body, headers=h)
    assert r.status_code == 422
    errors = r.json["errors"]["json"]
    assert set(errors) >= {"substance", "capacity_litres", "installed_on"}


def test_closing_date_before_installation_is_refused(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    a = world["tank_a"]
    r = client.patch(
        f"/api/v1/assets/{a.id}",
        json={"version": a.version, "closed_on": "2001-01-01", "status": "permanently_closed"},
        headers=h,
    )
    assert r.status_code == 422 and "closed_on" in str(r.json)


def test_by_tag_accepts_sloppy_typing(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    h = api_headers(world["users"]["inspector"])
    tag = world["tank_a"].tag
    for text in (display(tag), tag.lower(), display(tag).replace("0", "o").replace("1", "l")):
        r = client.get(f"/api/v1/assets/by-tag/{text}", headers=h)
        assert r.status_code == 200 and r.json["id"] == world["tank_a"].id
    wrong = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    assert client.get(f"/api/v1/assets/by-tag/{wrong}", headers=h).status_code == 404


def test_operator_of_other_org_gets_404(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_b"])
    assert client.get(f"/api/v1/assets/{world['tank_a'].id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/assets/by-tag/{world['tank_a'].tag}", headers=h).status_code == 404
    r = client.get("/api/v1/assets", headers=h)
    assert {a["facility_id"] for a in r.json} == {world["fac_b"].id}


def test_token_endpoint(client: Any, make_user: Any) -> None:
    user = make_user("inspector", password="a-good-password")
    r = client.post("/api/v1/auth/token", json={"email": user.email, "password": "a-good-password"})
    assert r.status_code == 200 and r.json["token"]
    token = r.json["token"]
    assert (
        client.get("/api/v1/assets", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    assert (
        client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": "nope"}
        ).status_code
        == 401
    )
    assert (
        client.delete(
            "/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 204
    )
    assert (
        client.get("/api/v1/assets", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_fields_of_the_other_kind(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    """Blank ones are dropped (they were a 500); filled ones refused: 422 on creation, where
    the body names the kind, 409 on a change, where the stored asset's kind decides."""
    h = api_headers(world["users"]["regulator"])
    base = {"facility_id": world["fac_a"].id, "substance": "diesel"}
    blank_tank_fields = {"capacity_litres": None, "spill_containment": False}
    r = client.post(
        "/api/v1/assets", json={**base, "kind": "pipeline", **blank_tank_fields}, headers=h
    )
    assert r.status_code == 201, r.json
    r = client.post(
        "/api/v1/assets",
        json={**base, "kind": "tank", "line_leak_detector": False, "piping_type": None},
        headers=h,
    )
    assert r.status_code == 201, r.json
    r = client.post("/api/v1/assets", json={**base, "kind": "tank", "length_m": 3}, headers=h)
    assert r.status_code == 422 and set(r.json["errors"]["json"]) == {"length_m"}
    tank = world["tank_a"]
    r = client.patch(
        f"/api/v1/assets/{tank.id}", json={"version": tank.version, "length_m": 3}, headers=h
    )
    assert r.status_code == 409 and set(r.json["errors"]) == {"length_m"}
    assert r.json["reason"] == "kind"
    r = client.patch(
        f"/api/v1/assets/{tank.id}", json={"version": tank.version, "kind": "pipeline"}, headers=h
    )
    assert r.status_code == 409 and set(r.json["errors"]) == {"kind"}


def test_a_json_blank_is_no_date(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    """Forms send "" for a blank date; a JSON body sends null, and "" is refused as no date."""
    h = api_headers(world["users"]["regulator"])
    body = {"facility_id": world["fac_a"].id, "kind": "tank", "substance": "diesel"}
    r = client.post("/api/v1/assets", json={**body, "installed_on": ""}, headers=h)
    assert r.status_code == 422 and set(r.json["errors"]["json"]) == {"installed_on"}
    r = client.post("/api/v1/assets", json={**body, "installed_on": None}, headers=h)
    assert r.status_code == 201
