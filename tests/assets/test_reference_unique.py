"""An operator's reference names one asset at its facility: forms and API refuse a second."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.assets.models import Asset
from registry.assets.models import Tank


def _body(world: dict[str, Any], ref: str | None, facility: str = "fac_a") -> dict[str, Any]:
    return {
        "facility_id": world[facility].id,
        "kind": "tank",
        "substance": "diesel",
        "capacity_litres": 20000,
        "operator_ref": ref,
    }


def test_api_refuses_a_taken_reference(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    assert client.post("/api/v1/assets", json=_body(world, "UQ-1"), headers=h).status_code == 201
    again = client.post("/api/v1/assets", json=_body(world, "UQ-1"), headers=h)
    assert again.status_code == 409  # a duplicate: the body is valid, the register has it
    assert again.json["reason"] == "reference"
    assert "operator_ref" in again.json["errors"]
    elsewhere = client.post("/api/v1/assets", json=_body(world, "UQ-1", "fac_b"), headers=h)
    assert elsewhere.status_code == 201
    for _ in range(2):  # no reference at all is allowed any number of times
        assert client.post("/api/v1/assets", json=_body(world, None), headers=h).status_code == 201


def test_patch_to_a_taken_reference_changes_nothing(
    db: Any, client: Any, world: dict[str, Any], api_headers: Any, make_asset: Any
) -> None:
    h = api_headers(world["users"]["regulator"])
    make_asset(world["fac_a"], operator_ref="UQ-A")
    other = make_asset(world["fac_a"], operator_ref="UQ-B")
    r = client.patch(
        f"/api/v1/assets/{other.id}",
        json={"version": other.version, "operator_ref": "UQ-A"},
        headers=h,
    )
    assert r.status_code == 409 and "operator_ref" in r.json["errors"]
    db.session.expire_all()
    assert db.session.get(Asset, other.id).operator_ref == "UQ-B"
    same = client.patch(
        f"/api/v1/assets/{other.id}",
        json={"version": other.version, "operator_ref": "UQ-B"},
        headers=h,
    )
    assert same.status_code == 200, same.json  # its own reference is not "taken"


def test_form_shows_the_message_and_keeps_the_input(
    client: Any, world: dict[str, Any], login_as: Any, make_asset: Any
) -> None:
    make_asset(world["fac_a"], operator_ref="UQ-F")
    login_as("regulator")
    resp = client.post(
        f"/assets/new?facility_id={world['fac_a'].id}&kind=tank",
        data={"substance": "diesel", "status": "in_service", "capacity_litres": "12345",
              "operator_ref": "UQ-F"},
    )  # fmt: skip
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "already has this reference" in page or "已有储罐或管线使用此编号" in page
    assert 'value="12345"' in page


def test_the_database_refuses_a_duplicate_too(db: Any, world: dict[str, Any]) -> None:
    """The unique index, for writers that skip the service's check (a race between two)."""
    fac = world["fac_a"]
    db.session.add(
        Tank(facility_id=fac.id, tag="AAAAAAAAAAA1", operator_ref="UQ-DB", substance="diesel")
    )
    db.session.flush()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(
                Tank(
                    facility_id=fac.id, tag="AAAAAAAAAAA2", operator_ref="UQ-DB", substance="diesel"
                )
            )
            db.session.flush()
    count = db.session.scalar(
        select(func.count()).select_from(Asset).where(Asset.operator_ref == "UQ-DB")
    )
    assert count == 1
