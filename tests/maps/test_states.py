"""The stored facility states: equal to the engine's on any day, current after every write."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from registry.compliance.models import ActivityRecord
from registry.compliance.states import worst_states
from registry.core.dates import today
from registry.extensions import db
from registry.maps import states
from registry.maps.models import FacilityState

LONG_AGO = date(2020, 1, 10)
ASSET_ACTIVITIES = ("patrol", "interstitial_monitoring_check", "leak_detection_equipment_check")
# Days ahead at which the stored dates must give the engine's answer: each side of the turns
# of a 30-day patrol (window 14), a 90-day closure investigation and the 30-day onboarding.
OFFSETS = (0, 1, 9, 10, 15, 16, 17, 29, 30, 31, 45, 46, 60, 61, 80, 89, 90, 91, 120, 366, 400, 800)


def _record(target: Any, activity: str, on: date, *, facility: bool = False) -> None:
    db.session.add(
        ActivityRecord(
            asset_id=None if facility else target.id,
            facility_id=target.id if facility else target.facility_id,
            activity=activity,
            performed_on=on,
            result="pass",
        )
    )
    db.session.commit()


def _up_to_date(asset: Any, on: date) -> None:
    for activity in ASSET_ACTIVITIES:
        _record(asset, activity, on)


def _rows(ids: Iterable[int]) -> dict[int, FacilityState]:
    db.session.expire_all()
    stmt = sa.select(FacilityState).where(FacilityState.facility_id.in_(list(ids)))
    return {r.facility_id: r for r in db.session.scalars(stmt)}


def _assert_matches_engine(facilities: list[Any], offsets: Iterable[int] = OFFSETS) -> None:
    """Every facility has a trusted stored row, and its state equals the engine's each day."""
    ids = [f.id for f in facilities]
    rows = _rows(ids)
    assert set(rows) == set(ids)
    fp = states.fingerprint()
    for offset in offsets:
        day = today() + timedelta(days=offset)
        assert all(states._trusted(rows[i], day, fp) for i in ids)
        engine = worst_states(as_of=day, facility_ids=ids)
        expected = {i: engine.of_facility(i) for i in ids}
        assert states.facility_states(ids, day) == expected, f"{offset} days ahead"


def _state(fac: Any) -> str:
    return states.facility_states([fac.id])[fac.id]


def test_stored_states_equal_the_engine_on_every_day(make_facility: Any, make_asset: Any) -> None:
    overdue = make_facility(registered_on=LONG_AGO)
    make_asset(overdue)
    ok = make_facility(registered_on=LONG_AGO)
    _record(ok, "basic_information_report", today() - timedelta(days=1), facility=True)
    _up_to_date(make_asset(ok, installed_on=LONG_AGO), today() - timedelta(days=1))
    soon = make_facility(registered_on=LONG_AGO)
    _record(soon, "basic_information_report", today() - timedelta(days=1), facility=True)
    _up_to_date(make_asset(soon), today() - timedelta(days=20))
    # Registered today with tanks installed long ago: `no_record` for the onboarding grace.
    fresh = make_facility()
    _record(fresh, "basic_information_report", today(), facility=True)
    make_asset(fresh)
    # Facility-wide obligations of a key supervised unit, each met at another date.
    key = make_facility(registered_on=LONG_AGO, key_supervised=True)
    _up_to_date(make_asset(key), today())
    for activity, days in (
        ("basic_information_report", 300),
        ("groundwater_sample", 100),
        ("surface_soil_sample", 355),
        ("deep_soil_sample", 50),
        ("hidden_hazard_investigation", 10),
    ):
        _record(key, activity, today() - timedelta(days=days), facility=True)
    # A tank closed for good a month ago: its soil investigation is due 90 days after.
    closed = make_facility(registered_on=LONG_AGO)
    _record(closed, "basic_information_report", today() - timedelta(days=2), facility=True)
    gone = make_asset(closed, status="permanently_closed", closed_on=today() - timedelta(days=30))
    _record(gone, "dismantling_plan_filing", today() - timedelta(days=60))
    empty = make_facility(registered_on=LONG_AGO, status="closed")
    facilities = [overdue, ok, soon, fresh, key, closed, empty]
    assert [_state(f) for f in facilities] == [
        "overdue", "ok", "due_soon", "no_record", "due_soon", "ok", "ok",
    ]  # fmt: skip
    _assert_matches_engine(facilities)


def test_a_record_changes_the_state_at_once(make_facility: Any, make_asset: Any) -> None:
    fac = make_facility(registered_on=LONG_AGO)
    _record(fac, "basic_information_report", today(), facility=True)
    tank = make_asset(fac, registered_on=LONG_AGO)
    assert _state(fac) == "overdue"
    _up_to_date(tank, today())
    assert _state(fac) == "ok"
    _assert_matches_engine([fac])


def test_a_status_change_and_a_deletion_change_the_state(
    make_facility: Any, make_asset: Any
) -> None:
    fac = make_facility(registered_on=LONG_AGO)
    _record(fac, "basic_information_report", today(), facility=True)
    kept = make_asset(fac, registered_on=LONG_AGO)
    _up_to_date(kept, today())
    late = make_asset(fac, registered_on=LONG_AGO)
    assert _state(fac) == "overdue"
    late.status = "temporarily_closed"
    db.session.commit()
    assert _state(fac) == "ok"
    late.status = "in_service"
    db.session.commit()
    assert _state(fac) == "overdue"
    db.session.delete(late)
    db.session.commit()
    assert _state(fac) == "ok"
    _assert_matches_engine([fac])


def test_moving_an_asset_recomputes_both_facilities(make_facility: Any, make_asset: Any) -> None:
    old, new = make_facility(registered_on=LONG_AGO), make_facility(registered_on=LONG_AGO)
    for fac in (old, new):
        _record(fac, "basic_information_report", today(), facility=True)
    tank = make_asset(old, registered_on=LONG_AGO)
    assert (_state(old), _state(new)) == ("overdue", "ok")
    tank.facility_id = new.id
    db.session.commit()
    assert (_state(old), _state(new)) == ("ok", "overdue")
    _assert_matches_engine([old, new])


def test_a_facility_edit_and_a_statement_update_recompute(
    make_facility: Any, make_asset: Any
) -> None:
    fac = make_facility(registered_on=LONG_AGO)
    make_asset(fac, registered_on=LONG_AGO)
    assert _state(fac) == "overdue"
    fac.status = "closed"
    db.session.commit()
    assert _state(fac) == "ok"
    # An UPDATE statement (no flush of objects) is seen too.
    db.session.execute(sa.update(type(fac)).where(type(fac).id == fac.id).values(status="active"))
    db.session.commit()
    assert _rows([fac.id])[fac.id].overdue_on is not None
    assert _state(fac) == "overdue"


def test_missing_stale_or_uncommitted_rows_fall_back_to_the_engine(
    make_facility: Any, make_asset: Any
) -> None:
    fac = make_facility(registered_on=LONG_AGO)
    tank = make_asset(fac, registered_on=LONG_AGO)
    db.session.execute(FacilityState.__table__.delete())
    assert _state(fac) == "overdue"
    states.recompute([fac.id])
    db.session.execute(FacilityState.__table__.update().values(fingerprint="another pack"))
    assert _state(fac) == "overdue"
    # Computed with a record dated tomorrow: not trusted from tomorrow on.
    states.recompute([fac.id])
    _record(fac, "basic_information_report", today(), facility=True)
    _up_to_date(tank, today() + timedelta(days=1))
    row = _rows([fac.id])[fac.id]
    assert row.valid_until == today() + timedelta(days=1)
    tomorrow = today() + timedelta(days=1)
    assert states.facility_states([fac.id], tomorrow)[fac.id] == "ok"
    assert worst_states(as_of=tomorrow, facility_ids=[fac.id]).of_facility(fac.id) == "ok"
    # Flushed, not committed: the row is not read.
    tank.status = "temporarily_closed"
    db.session.flush()
    assert _state(fac) == "ok"
    db.session.rollback()
    assert _state(fac) == "overdue"


def test_the_refresh_command_computes_every_facility(
    app: Any, make_facility: Any, make_asset: Any
) -> None:
    facilities = [make_facility(registered_on=LONG_AGO) for _ in range(3)]
    for fac in facilities:
        make_asset(fac, registered_on=LONG_AGO)
    db.session.execute(FacilityState.__table__.delete())
    db.session.commit()
    assert _rows(f.id for f in facilities) == {}
    result = app.test_cli_runner().invoke(args=["map", "refresh"])
    assert result.exit_code == 0, result.output
    assert "compliance states computed" in result.output
    _assert_matches_engine(facilities, (0, 400))


def test_a_new_receptor_near_a_facility_changes_its_state(
    make_facility: Any, make_asset: Any
) -> None:
    from registry.receptors.services import create_receptor

    fac = make_facility(registered_on=LONG_AGO, key_supervised=True)
    _up_to_date(make_asset(fac, registered_on=LONG_AGO), today())
    for activity in ("basic_information_report", "surface_soil_sample", "deep_soil_sample"):
        _record(fac, activity, today(), facility=True)
    _record(fac, "hidden_hazard_investigation", today(), facility=True)
    _record(fac, "groundwater_sample", today() - timedelta(days=120), facility=True)
    assert _state(fac) == "ok"  # every 6 months
    point = {"type": "Point", "coordinates": [fac.longitude + 0.003, fac.latitude]}
    create_receptor(
        {"geometry": point, "properties": {"kind": "drinking_water_source", "name": "水源"}},
        by=None,
    )
    db.session.commit()
    assert _state(fac) == "overdue"  # within 1 km of a drinking-water source: every 3 months
    _assert_matches_engine([fac], (0, 30, 400))


def test_a_facility_with_a_stored_state_can_still_be_deleted(make_facility: Any) -> None:
    from registry.sites.services import delete_facility

    fac = make_facility()
    fid = fac.id
    assert set(_rows([fid])) == {fid}
    delete_facility(fac)
    db.session.commit()
    assert _rows([fid]) == {}


def test_two_transactions_writing_to_one_facility_store_both(app: Any, committed_db: Any) -> None:
    """Each meets the obligations of one of two late tanks; flushed at once, committed one
    after the other: the stored state sees both (the second waits for the first's lock)."""
    import threading

    from registry.assets.services import create_asset
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    # SQLite has one writer at a time: there the two transactions run one after the other,
    # and the stored state must still see both.
    interleave = committed_db.engine.dialect.name == "postgresql"
    org = create_organization({"name": "并发公司", "credit_code": complete("91110101666666666")})
    data = {"organization_id": org.id, "name": "并发站", "kind": "gas_station"}
    fac = create_facility({**data, "registered_on": LONG_AGO}, by=None)
    tank = {"facility_id": fac.id, "kind": "tank", "substance": "diesel", "wall": "single"}
    tank |= {"registered_on": LONG_AGO, "installed_on": LONG_AGO, "leak_detection": []}
    tanks = [create_asset(dict(tank), by=None) for _ in range(2)]
    _record(fac, "basic_information_report", today(), facility=True)
    fid, tank_ids = fac.id, [t.id for t in tanks]
    assert _state(fac) == "overdue"
    committed_db.session.remove()
    barrier = threading.Barrier(2 if interleave else 1, timeout=30)
    errors: list[BaseException] = []

    def meet(tank_id: int) -> None:
        try:
            with app.app_context():
                for activity in ASSET_ACTIVITIES:
                    db.session.add(
                        ActivityRecord(
                            asset_id=tank_id,
                            facility_id=fid,
                            activity=activity,
                            performed_on=today(),
                            result="pass",
                        )
                    )
                db.session.flush()
                barrier.wait()
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=meet, args=(t,)) for t in tank_ids]
    for t in threads:
        t.start()
        if not interleave:
            t.join(60)
    for t in threads:
        t.join(60)
    assert errors == []
    rows = _rows([fid])
    assert states._trusted(rows[fid], today(), states.fingerprint())
    assert states.facility_states([fid]) == {fid: "ok"}
