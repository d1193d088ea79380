"""Impossible input is refused at its field; invisible characters are removed (issue 27, 6).

Dates before 1900 or after 2100, in the API and the forms; bidirectional controls and
zero-width characters in names and notes.
"""

from __future__ import annotations

from typing import Any

import pytest

from registry.core.creditcode import complete
from registry.extensions import db as _db

BIDI = "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def _field_errors(resp: Any) -> dict[str, Any]:
    """The per-field messages of a 422, from webargs (`errors.json`) or a service."""
    errors = resp.get_json()["errors"]
    return errors.get("json", errors)


def _bad_date_message(messages: Any) -> bool:
    return "1900-01-01" in str(messages) and "2100-12-31" in str(messages)


@pytest.mark.parametrize("day", ["1066-01-01", "1899-12-31"])
def test_api_asset_installed_long_ago_is_refused_at_the_field(
    client: Any, world: dict[str, Any], api_headers: Any, day: str
) -> None:
    body = {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 20000,
        "installed_on": day,
        "wall": "double",
    }
    resp = client.post(
        "/api/v1/assets", json=body, headers=api_headers(world["users"]["operator_a"])
    )
    assert resp.status_code == 422
    errors = _field_errors(resp)
    assert set(errors) == {"installed_on"} and _bad_date_message(errors["installed_on"])


def test_api_asset_installed_in_1900_is_kept(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    body = {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 20000,
        "installed_on": "1900-01-01",
        "wall": "double",
    }
    resp = client.post(
        "/api/v1/assets", json=body, headers=api_headers(world["users"]["operator_a"])
    )
    assert resp.status_code == 201 and resp.get_json()["installed_on"] == "1900-01-01"


def test_api_reading_sampled_before_1900_is_refused(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    url = f"/api/v1/monitoring-points/{world['point_a'].id}/readings"
    body = {"parameter": "benzene", "value": 0.01, "unit": "mg/L", "sampled_on": "1066-10-14"}
    resp = client.post(url, json=body, headers=api_headers(world["users"]["regulator"]))
    assert resp.status_code == 422
    errors = _field_errors(resp)
    assert set(errors) == {"sampled_on"} and _bad_date_message(errors["sampled_on"])


def test_api_record_dated_before_1900_is_refused(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    resp = client.post(
        f"/api/v1/assets/{world['tank_a'].id}/records",
        json={"activity": "patrol", "performed_on": "1066-01-01"},
        headers=api_headers(world["users"]["operator_a"]),
    )
    assert resp.status_code == 422
    errors = _field_errors(resp)
    assert set(errors) == {"performed_on"} and _bad_date_message(errors["performed_on"])


def test_form_asset_installed_in_1066_shows_the_message_at_the_field(
    client: Any, world: dict[str, Any], login_as: Any
) -> None:
    from tests.forms import read_form
    from tests.forms import submitted

    login_as("regulator")
    tank = world["tank_a"]
    data = submitted(client.get(f"/assets/{tank.id}/edit").get_data(as_text=True))
    data["installed_on"] = "1066-01-01"
    resp = client.post(f"/assets/{tank.id}/edit", data=data)
    assert resp.status_code == 422
    form = read_form(resp.get_data(as_text=True))
    assert "1900-01-01" in form.errors["installed_on"]
    assert form.values["installed_on"] == ["1066-01-01"]  # the input is kept to correct it


def test_form_message_in_chinese(client: Any, world: dict[str, Any], login_as: Any) -> None:
    from tests.forms import read_form
    from tests.forms import submitted

    user = login_as("regulator")
    user.locale = "zh"
    _db.session.commit()
    tank = world["tank_a"]
    data = submitted(client.get(f"/assets/{tank.id}/edit").get_data(as_text=True))
    data["installed_on"] = "1066-01-01"
    resp = client.post(f"/assets/{tank.id}/edit", data=data)
    assert resp.status_code == 422
    message = read_form(resp.get_data(as_text=True)).errors["installed_on"]
    assert "1900-01-01" in message and "日期" in message


def test_api_names_lose_invisible_characters(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    from registry.sites.models import Organization

    body = {
        "name": f"Evil\u202eCorp{ZERO_WIDTH}",
        "credit_code": complete("91110101777000111"),
        "contact_name": f"Li{BIDI}Lei",
    }
    resp = client.post(
        "/api/v1/organizations", json=body, headers=api_headers(world["users"]["regulator"])
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["name"] == "EvilCorp"
    org = _db.session.get(Organization, resp.get_json()["id"])
    assert org is not None and org.name == "EvilCorp" and org.contact_name == "LiLei"


def test_form_names_lose_invisible_characters(
    client: Any, world: dict[str, Any], login_as: Any
) -> None:
    from tests.forms import submitted

    login_as("regulator")
    fac = world["fac_a"]
    data = submitted(client.get(f"/facilities/{fac.id}/edit").get_data(as_text=True))
    data["name"] = "\u2067甲加油站\u2069\u200b"
    resp = client.post(f"/facilities/{fac.id}/edit", data=data)
    assert resp.status_code == 302
    _db.session.expire_all()
    assert fac.name == "甲加油站"


def test_corrective_action_note_loses_invisible_characters(
    client: Any, world: dict[str, Any]
) -> None:
    action = world["action_open"]
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world["users"]["operator_a"].id)
        sess["_fresh"] = True
    resp = client.post(f"/corrective-actions/{action.id}/fix", data={"notes": "\u202efixed\u200d"})
    assert resp.status_code == 302
    _db.session.expire_all()
    assert action.notes.endswith("fixed") and "\u202e" not in action.notes


def test_passwords_are_kept_as_typed() -> None:
    from registry.auth.schemas import PasswordChangeSchema

    secret = "pass\u200bword-long"
    loaded = PasswordChangeSchema().load({"current_password": secret, "password": secret})
    assert loaded == {"current_password": secret, "password": secret}


def test_every_invisible_character_is_removed() -> None:
    from registry.core.text import strip_invisible

    for ch in BIDI + ZERO_WIDTH:
        assert strip_invisible(f"a{ch}b") == "ab", hex(ord(ch))
    assert strip_invisible("مرحبا 🛢️ 加油站") == "مرحبا 🛢️ 加油站"  # visible text untouched
