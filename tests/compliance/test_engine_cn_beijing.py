"""Known answers for every obligation of cn-beijing, worked out by hand (month ends, leap years)."""

from __future__ import annotations

from datetime import date
from typing import Any

D = date.fromisoformat
PACK = "cn-beijing"


def test_basic_information_report_due_on_registration_then_yearly(
    make_facility: Any, make_asset: Any, registered: Any, record: Any, due_on: Any
) -> None:
    fac = make_facility()
    make_asset(fac)
    registered(fac, "2024-03-10")
    assert due_on(PACK, facility=fac)["basic_information_report"] == D("2024-03-10")
    record(fac, "basic_information_report", "2024-02-29")
    # 2024-02-29 + 1 year clamps to 2025-02-28
    assert due_on(PACK, facility=fac)["basic_information_report"] == D("2025-02-28")


def test_facility_without_live_assets_has_no_facility_obligations(
    make_facility: Any, make_asset: Any, due_on: Any
) -> None:
    fac = make_facility()
    make_asset(fac, status="permanently_closed", closed_on=D("2025-01-01"))
    assert due_on(PACK, facility=fac) == {}


def test_patrol_first_due_and_last_pass(make_asset: Any, record: Any, due_on: Any) -> None:
    tank = make_asset(installed_on=D("2024-01-31"))
    assert due_on(PACK, asset=tank)["patrol"] == D("2024-03-01")  # 30 days, leap February
    record(tank, "patrol", "2026-01-31")
    record(tank, "patrol", "2026-02-10", result="fail")  # a failed patrol satisfies nothing
    assert due_on(PACK, asset=tank)["patrol"] == D("2026-03-02")


def test_patrol_not_for_temporarily_or_permanently_closed(make_asset: Any, due_on: Any) -> None:
    temp = make_asset(status="temporarily_closed")
    gone = make_asset(status="permanently_closed", closed_on=D("2025-01-01"))
    assert "patrol" not in due_on(PACK, asset=temp)
    # Only the closure's own clocks (event obligations, counted from closed_on) remain.
    assert due_on(PACK, asset=gone) == {
        "dismantling_pollution_plan": D("2024-12-11"),
        "closure_soil_investigation": D("2025-04-01"),
    }


def test_interstitial_monitoring_check_double_wall_only(make_asset: Any, due_on: Any) -> None:
    double = make_asset(installed_on=D("2023-12-31"))
    single = make_asset(
        installed_on=D("2023-12-31"), wall="single", anti_seepage="seepage_pit", leak_detection=[]
    )
    assert due_on(PACK, asset=double)["interstitial_monitoring_check"] == D("2024-01-30")
    assert "interstitial_monitoring_check" not in due_on(PACK, asset=single)


def test_observation_pipe_check_single_wall_tank_in_pit(make_asset: Any, due_on: Any) -> None:
    pit = {"wall": "single", "anti_seepage": "seepage_pit", "leak_detection": ["observation_pipe"]}
    tank = make_asset(installed_on=D("2020-02-29"), **pit)
    pipe = make_asset(kind="pipeline", installed_on=D("2020-02-29"), **pit)
    assert due_on(PACK, asset=tank)["observation_pipe_check"] == D("2020-03-30")
    assert "observation_pipe_check" not in due_on(PACK, asset=pipe)


def test_groundwater_monitoring_intervals(
    make_facility: Any, make_asset: Any, registered: Any, record: Any, due_on: Any
) -> None:
    key = make_facility(key_supervised=True)
    make_asset(key)
    registered(key, "2023-08-31")
    assert due_on(PACK, facility=key)["groundwater_monitoring"] == D("2024-02-29")  # 6 months
    record(key, "groundwater_sample", "2025-08-31")
    assert due_on(PACK, facility=key)["groundwater_monitoring"] == D("2026-02-28")

    wells = make_facility()
    make_asset(wells, leak_detection=["groundwater_wells"])
    registered(wells, "2023-02-28")
    assert due_on(PACK, facility=wells)["groundwater_monitoring"] == D("2024-02-28")  # 1 year

    plain = make_facility()
    make_asset(plain)
    assert "groundwater_monitoring" not in due_on(PACK, facility=plain)


def test_soil_monitoring_and_hidden_hazards_for_key_units(
    make_facility: Any, make_asset: Any, registered: Any, record: Any, due_on: Any
) -> None:
    unit = make_facility(kind="key_supervised_unit")
    make_asset(unit)
    registered(unit, "2023-08-31")
    got = due_on(PACK, facility=unit)
    assert got["soil_monitoring_surface"] == D("2024-08-31")
    assert got["soil_monitoring_deep"] == D("2026-08-31")
    assert got["hidden_hazard_investigation"] == D("2024-08-31")  # 1 year after listing
    assert got["groundwater_monitoring"] == D("2024-02-29")
    record(unit, "hidden_hazard_investigation", "2024-02-29")
    assert due_on(PACK, facility=unit)["hidden_hazard_investigation"] == D("2027-02-28")

    plain = make_facility()
    make_asset(plain)
    assert set(due_on(PACK, facility=plain)) == {"basic_information_report"}


def test_leak_detection_equipment_check(make_asset: Any, due_on: Any) -> None:
    atg = make_asset(installed_on=D("2024-02-29"), leak_detection=["atg"])
    manual = make_asset(
        installed_on=D("2024-02-29"),
        wall="single",
        anti_seepage="seepage_pit",
        leak_detection=["manual_gauging"],
    )
    assert due_on(PACK, asset=atg)["leak_detection_equipment_check"] == D("2025-02-28")
    assert "leak_detection_equipment_check" not in due_on(PACK, asset=manual)


def test_every_asset_obligation_of_a_double_walled_tank(make_asset: Any, due_on: Any) -> None:
    tank = make_asset(installed_on=D("2024-02-29"), leak_detection=["interstitial", "atg"])
    assert due_on(PACK, asset=tank) == {
        "patrol": D("2024-03-30"),
        "interstitial_monitoring_check": D("2024-03-30"),
        "leak_detection_equipment_check": D("2025-02-28"),
    }


def test_groundwater_monitoring_near_a_drinking_water_source_every_three_months(
    make_facility: Any, make_asset: Any, registered: Any, record: Any, due_on: Any
) -> None:
    # HJ 1209: more frequent near a drinking-water source; the pack's distance is 1 km.
    from pyproj import Geod

    from registry.receptors.services import create_receptor

    geod = Geod(ellps="WGS84")
    near, far = make_facility(key_supervised=True), make_facility(key_supervised=True)
    for fac in (near, far):
        make_asset(fac)
        registered(fac, "2023-08-31")
        record(fac, "groundwater_sample", "2025-08-31")
    source_lon, source_lat = 116.30, 39.80
    near.longitude, near.latitude, _ = geod.fwd(source_lon, source_lat, 90, 900)
    far.longitude, far.latitude, _ = geod.fwd(source_lon, source_lat, 90, 1100)
    point = {"type": "Point", "coordinates": [source_lon, source_lat]}
    create_receptor(
        {"geometry": point, "properties": {"kind": "drinking_water_source", "name": "水源井"}},
        by=None,
    )
    assert due_on(PACK, facility=near)["groundwater_monitoring"] == D("2025-11-30")  # 3 months
    assert due_on(PACK, facility=far)["groundwater_monitoring"] == D("2026-02-28")  # 6 months
    # A school as near changes nothing: the shorter interval is for drinking water.
    school = {"type": "Point", "coordinates": list(geod.fwd(source_lon, source_lat, 90, 1100)[:2])}
    create_receptor({"geometry": school, "properties": {"kind": "school", "name": "小学"}}, by=None)
    assert due_on(PACK, facility=far)["groundwater_monitoring"] == D("2026-02-28")
