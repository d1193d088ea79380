"""No write across organizations through any door: another organization's ids in the URL or
in a field of a form or JSON body change nothing there.

The rule (docs/RELIABILITY.md): an id the caller may not see behaves as one that does not
exist. In the URL: 404. In a field: the answer that door gives for a non-existent id, which
is 404 on the API (PATCH/POST /api/v1/assets, /api/v1/facilities), 422 with "No such ..." at
the field in an HTML form and in an import file; the services refuse it too, whatever view
calls them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.services import update_asset
from registry.core.errors import Invalid
from registry.extensions import db as _db
from registry.sites.models import Facility
from registry.sites.services import update_facility
from tests.access import ROLES
from tests.access import fill
from tests.helpers import log_in
from tests.test_access_matrix import ROWS


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused write leaves the database as it was."""
    _db.session.expire_all()
    out = {}
    for table in _db.metadata.sorted_tables:
        rows = _db.session.execute(select(table)).all()
        out[table.name] = sorted((tuple(map(repr, r)) for r in rows), key=repr)
    return out


# Every write of the access matrix whose URL names a row of organization A, as operator B.
FOREIGN_URL = [
    row
    for row in ROWS
    if row.method in ("POST", "PATCH", "PUT", "DELETE") and row.expect["operator_b"] == 404
]
assert "operator_b" in ROLES


@pytest.mark.parametrize("row", FOREIGN_URL, ids=[r.id for r in FOREIGN_URL])
def test_another_organizations_row_in_the_url_changes_nothing(
    row: Any, client: Any, world: dict[str, Any]
) -> None:
    log_in(client, world["users"]["operator_b"])
    url = fill(row.url, world)
    body = row.body(world) if callable(row.body) else row.body
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs["json" if row.as_json else "data"] = body
    before = _snapshot()
    resp = client.open(url, method=row.method, **kwargs)
    assert resp.status_code == 404, f"{row.id}: {resp.status_code}"
    assert _snapshot() == before


def _asset_form(asset: Any, **extra: Any) -> dict[str, Any]:
    return {
        "version": str(asset.version),
        "substance": asset.substance,
        "status": asset.status,
        **extra,
    }


def _import_file(world: dict[str, Any]) -> dict[str, Any]:
    fac = world["fac_b"].id
    text = f"facility_id,kind,operator_ref,substance\n{fac},tank,XORG-1,diesel\n"
    return {"file": (io.BytesIO(text.encode()), "tanks.csv")}


# (method, url, body, as_json, status, field): operator A with organization B's ids in the
# body's id fields. `field` is where a 422 names the refused id.
FOREIGN_FIELD = [
    (
        "POST",
        "/assets/{tank_a}/edit",
        lambda w: _asset_form(w["tank_a"], facility_id=w["fac_b"].id),
        False,
        422,
        "facility_id",
    ),
    (
        "POST",
        "/assets/{pipe_a}/close",
        lambda w: _asset_form(
            w["pipe_a"],
            status="temporarily_closed",
            closed_on="2020-02-01",
            facility_id=w["fac_b"].id,
        ),
        False,
        422,
        "facility_id",
    ),
    (
        "PATCH",
        "/api/v1/assets/{tank_a}",
        lambda w: {"version": w["tank_a"].version, "facility_id": w["fac_b"].id},
        True,
        404,
        None,
    ),
    (
        "POST",
        "/api/v1/assets",
        lambda w: {"facility_id": w["fac_b"].id, "kind": "tank", "substance": "diesel"},
        True,
        404,
        None,
    ),
    (
        "POST",
        "/api/v1/facilities",
        lambda w: {"organization_id": w["org_b"].id, "name": "越界站", "kind": "other"},
        True,
        404,
        None,
    ),
    (
        "PATCH",
        "/api/v1/facilities/{fac_a}",
        lambda w: {"version": w["fac_a"].version, "organization_id": w["org_b"].id},
        True,
        404,
        None,
    ),
    ("POST", "/api/v1/imports", _import_file, False, 422, None),
    ("POST", "/imports", _import_file, False, 422, None),
    # Roles that never do these answer 403 before the id in the body is looked at.
    (
        "POST",
        "/api/v1/inspections",
        lambda w: {
            "client_uuid": "7d0d1c8e-0000-4000-8000-000000000001",
            "asset_id": w["tank_b"].id,
            "answers": [],
            "result": "pass",
        },
        True,
        403,
        None,
    ),
    (
        "POST",
        "/api/v1/certificates",
        lambda w: {"inspection_id": 1},
        True,
        403,
        None,
    ),
]


def _org_b_state(world: dict[str, Any]) -> tuple[Any, ...]:
    """What organization B holds: its facilities and the assets at them."""
    _db.session.expire_all()
    org_b = world["org_b"].id
    facilities = _db.session.scalars(
        select(Facility.id).where(Facility.organization_id == org_b).order_by(Facility.id)
    ).all()
    assets = _db.session.execute(
        select(Asset.id, Asset.version)
        .join(Facility, Facility.id == Asset.facility_id)
        .where(Facility.organization_id == org_b)
        .order_by(Asset.id)
    ).all()
    return tuple(facilities), tuple(map(tuple, assets))


def _org_a_state(world: dict[str, Any]) -> tuple[Any, ...]:
    """Where organization A's rows are: its facility's organization, its assets' facility."""
    _db.session.expire_all()
    return (
        _db.session.get(Facility, world["fac_a"].id).organization_id,  # type: ignore[union-attr]
        _db.session.get(Asset, world["tank_a"].id).facility_id,  # type: ignore[union-attr]
        _db.session.get(Asset, world["pipe_a"].id).facility_id,  # type: ignore[union-attr]
    )


@pytest.mark.parametrize(
    ("method", "url", "body", "as_json", "status", "field"),
    FOREIGN_FIELD,
    ids=[f"{m} {u}" for m, u, *_ in FOREIGN_FIELD],
)
def test_another_organizations_id_in_a_field_changes_nothing(
    method: str,
    url: str,
    body: Any,
    as_json: bool,
    status: int,
    field: str | None,
    client: Any,
    world: dict[str, Any],
) -> None:
    log_in(client, world["users"]["operator_a"])
    before_b, before_a = _org_b_state(world), _org_a_state(world)
    kwargs = {"json" if as_json else "data": body(world)}
    resp = client.open(fill(url, world), method=method, headers={"Accept-Language": "en"}, **kwargs)
    text = resp.get_data(as_text=True)
    assert resp.status_code == status, f"{resp.status_code} {text[:300]}"
    assert _org_b_state(world) == before_b
    assert _org_a_state(world) == before_a
    if field is not None:
        assert "No such facility." in text


def test_the_probe_an_asset_is_not_moved_to_another_organization(
    client: Any, world: dict[str, Any]
) -> None:
    """The reported request: POST /assets/<id>/edit with organization B's facility_id."""
    tank = world["tank_a"]
    log_in(client, world["users"]["operator_a"])
    resp = client.post(
        f"/assets/{tank.id}/edit", data=_asset_form(tank, facility_id=world["fac_b"].id)
    )
    assert resp.status_code == 422
    _db.session.expire_all()
    assert _db.session.get(Asset, tank.id).facility_id == world["fac_a"].id  # type: ignore[union-attr]
    # the same field with a facility that does not exist answers the same
    missing = client.post(f"/assets/{tank.id}/edit", data=_asset_form(tank, facility_id=987654))
    assert missing.status_code == 422


def test_the_services_refuse_another_organizations_target(world: dict[str, Any]) -> None:
    """Whatever view calls them, the services look the target up as the acting user."""
    operator_a = world["users"]["operator_a"]
    with pytest.raises(Invalid) as asset_err:
        update_asset(
            world["tank_a"],
            {"facility_id": world["fac_b"].id},
            version=world["tank_a"].version,
            by=operator_a,
        )
    assert asset_err.value.errors == {"facility_id": ["No such facility."]}
    _db.session.rollback()
    with pytest.raises(Invalid) as facility_err:
        update_facility(
            world["fac_a"],
            {"organization_id": world["org_b"].id},
            version=world["fac_a"].version,
            by=operator_a,
        )
    assert facility_err.value.errors == {"organization_id": ["No such organization."]}
    _db.session.rollback()
    # a regulator may move an asset between organizations' facilities
    moved = update_asset(
        world["tank_a"],
        {"facility_id": world["fac_b"].id},
        version=world["tank_a"].version,
        by=world["users"]["regulator"],
    )
    assert moved.facility_id == world["fac_b"].id
