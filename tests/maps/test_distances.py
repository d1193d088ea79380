"""The stored distances to receptors: measured on every move and every new receptor."""

from __future__ import annotations

from typing import Any

import pytest
from pyproj import Geod
from sqlalchemy import select

from registry.compliance.states import worst_states
from registry.core.dates import today
from registry.extensions import db
from registry.receptors.distances import refresh_all
from registry.receptors.models import ReceptorDistance
from registry.receptors.services import create_receptor
from registry.receptors.services import near_kinds

GEOD = Geod(ellps="WGS84")
ORIGIN = (116.30, 39.80)


def _receptor(kind: str, metres_east: float = 0.0) -> Any:
    lon, lat, _ = GEOD.fwd(*ORIGIN, 90, metres_east) if metres_east else (*ORIGIN, 0)
    point = {"type": "Point", "coordinates": [lon, lat]}
    return create_receptor({"geometry": point, "properties": {"kind": kind, "name": kind}}, by=None)


def _rows(fac: Any) -> dict[str, float]:
    stmt = select(ReceptorDistance).where(ReceptorDistance.facility_id == fac.id)
    return {r.kind: r.metres for r in db.session.scalars(stmt)}


def _place(fac: Any, metres_north: float) -> None:
    fac.longitude, fac.latitude, _ = GEOD.fwd(*ORIGIN, 0, metres_north)
    db.session.flush()


def test_a_new_receptor_measures_every_placed_facility(make_facility: Any) -> None:
    fac = make_facility()
    _place(fac, 700)
    unplaced = make_facility(latitude=None, longitude=None)
    _receptor("school")
    _receptor("school", metres_east=5000)
    assert _rows(fac) == {"school": pytest.approx(700, abs=0.2)}
    assert _rows(unplaced) == {}
    assert near_kinds(fac.id) == []  # the Beijing pack counts a school near within 500 m


def test_moving_a_facility_measures_it_again(make_facility: Any) -> None:
    _receptor("drinking_water_source")
    _receptor("well", metres_east=3000)
    fac = make_facility()
    _place(fac, 2000)
    assert _rows(fac)["drinking_water_source"] == pytest.approx(2000, abs=0.2)
    assert near_kinds(fac.id) == []
    _place(fac, 400)
    assert _rows(fac)["drinking_water_source"] == pytest.approx(400, abs=0.2)
    assert near_kinds(fac.id) == ["drinking_water_source"]
    fac.latitude = fac.longitude = None
    db.session.flush()
    assert _rows(fac) == {}


def test_measuring_everything_again_gives_the_same_rows(make_facility: Any) -> None:
    facilities = [make_facility() for _ in range(3)]
    for i, fac in enumerate(facilities):
        _place(fac, 300 * (i + 1))
    _receptor("school")
    _receptor("hospital", metres_east=800)
    before = [_rows(f) for f in facilities]
    db.session.execute(ReceptorDistance.__table__.delete())
    assert refresh_all(db.session) >= 3
    assert [_rows(f) for f in facilities] == before


def test_states_for_a_box_leave_out_facilities_outside_it(
    make_facility: Any, make_asset: Any
) -> None:
    inside, outside = make_facility(), make_facility()
    make_asset(inside)
    make_asset(outside)
    _place(inside, 0)
    outside.longitude, outside.latitude = 117.0, 40.5
    db.session.flush()
    everywhere = worst_states(as_of=today())
    assert {inside.id, outside.id} <= set(everywhere.facilities)
    boxed = worst_states(as_of=today(), bbox=(116.2, 39.7, 116.4, 39.9))
    assert inside.id in boxed.facilities
    assert outside.id not in boxed.facilities
    assert boxed.facilities[inside.id] == everywhere.facilities[inside.id]


def test_the_refresh_command_measures_every_facility(app: Any, make_facility: Any) -> None:
    fac = make_facility()
    _place(fac, 250)
    _receptor("well")
    db.session.execute(ReceptorDistance.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["receptors", "refresh"])
    assert result.exit_code == 0, result.output
    assert "facilities measured against the receptors" in result.output
    db.session.expire_all()
    assert _rows(fac) == {"well": pytest.approx(250, abs=0.2)}
