"""Known answers for every obligation of us-epa-280, worked out by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

D = date.fromisoformat
PACK = "us-epa-280"
BARE = {"wall": "single", "anti_seepage": "none", "leak_detection": ["atg"]}


def test_tank_release_detection(make_asset: Any, record: Any, due_on: Any) -> None:
    tank = make_asset(installed_on=D("2024-02-29"), **BARE)
    assert due_on(PACK, asset=tank)["tank_release_detection"] == D("2024-03-30")
    record(tank, "monthly_atg_test", "2026-10-31")
    record(tank, "manual_tank_gauging", "2026-09-01")
    assert due_on(PACK, asset=tank)["tank_release_detection"] == D("2026-11-30")
    temp = make_asset(installed_on=D("2024-02-29"), status="temporarily_closed", **BARE)
    assert due_on(PACK, asset=temp)["tank_release_detection"] == D("2024-03-30")
    pipe = make_asset(kind="pipeline", **BARE)
    assert "tank_release_detection" not in due_on(PACK, asset=pipe)


def test_tank_tightness_test(make_asset: Any, due_on: Any) -> None:
    tank = make_asset(
        installed_on=D("2021-01-31"), wall="single", leak_detection=["tightness_test"]
    )
    other = make_asset(installed_on=D("2021-01-31"), **BARE)
    assert due_on(PACK, asset=tank)["tank_tightness_test"] == D("2026-01-31")
    assert "tank_tightness_test" not in due_on(PACK, asset=other)


def test_pressurized_line_tightness(make_asset: Any, record: Any, due_on: Any) -> None:
    pipe = make_asset(kind="pipeline", installed_on=D("2023-03-31"), piping_type="pressurized")
    assert due_on(PACK, asset=pipe)["pressurized_line_tightness"] == D("2024-03-31")
    record(pipe, "monthly_interstitial_check", "2026-10-31")  # monthly interstitial instead
    assert due_on(PACK, asset=pipe)["pressurized_line_tightness"] == D("2027-10-31")
    suction = make_asset(kind="pipeline", piping_type="suction", line_leak_detector=False)
    assert "pressurized_line_tightness" not in due_on(PACK, asset=suction)


def test_line_leak_detector_test(make_asset: Any, due_on: Any) -> None:
    with_alld = make_asset(kind="pipeline", installed_on=D("2024-02-29"), line_leak_detector=True)
    without = make_asset(kind="pipeline", installed_on=D("2024-02-29"), line_leak_detector=False)
    assert due_on(PACK, asset=with_alld)["line_leak_detector_test"] == D("2025-02-28")
    assert "line_leak_detector_test" not in due_on(PACK, asset=without)


def test_suction_line_tightness(make_asset: Any, due_on: Any) -> None:
    pipe = make_asset(
        kind="pipeline",
        installed_on=D("2023-08-31"),
        piping_type="suction",
        line_leak_detector=False,
    )
    assert due_on(PACK, asset=pipe)["suction_line_tightness"] == D("2026-08-31")


def test_cathodic_protection_test(make_asset: Any, record: Any, due_on: Any) -> None:
    steel = dict(BARE, material="steel", corrosion_protection="sacrificial_anode")
    tank = make_asset(installed_on=D("2023-08-31"), **steel)
    assert due_on(PACK, asset=tank)["cathodic_protection_test"] == D("2024-02-29")  # 6 months
    record(tank, "cp_test", "2024-02-29")
    assert due_on(PACK, asset=tank)["cathodic_protection_test"] == D("2027-02-28")
    frp = make_asset(corrosion_protection="sacrificial_anode")  # fibreglass: no CP test
    assert "cathodic_protection_test" not in due_on(PACK, asset=frp)


def test_rectifier_check(make_asset: Any, due_on: Any) -> None:
    tank = make_asset(
        installed_on=D("2024-12-31"), material="steel", corrosion_protection="impressed_current"
    )
    assert due_on(PACK, asset=tank)["rectifier_check"] == D("2025-03-01")  # 60 days


def test_spill_prevention_test(make_asset: Any, due_on: Any) -> None:
    old = make_asset(installed_on=D("2010-05-05"), spill_containment=True, **BARE)
    new = make_asset(installed_on=D("2020-01-31"), spill_containment=True, **BARE)
    exempt = make_asset(installed_on=D("2020-01-31"), spill_containment=True)  # double+interstitial
    assert due_on(PACK, asset=old)["spill_prevention_test"] == D("2021-10-13")  # from 2018-10-13
    assert due_on(PACK, asset=new)["spill_prevention_test"] == D("2023-01-31")
    assert "spill_prevention_test" not in due_on(PACK, asset=exempt)


def test_overfill_inspection(make_asset: Any, due_on: Any) -> None:
    tank = make_asset(installed_on=D("2022-05-31"), overfill_prevention=True)
    none = make_asset(installed_on=D("2022-05-31"), overfill_prevention=False)
    assert due_on(PACK, asset=tank)["overfill_inspection"] == D("2025-05-31")
    assert "overfill_inspection" not in due_on(PACK, asset=none)


def test_containment_sump_test(make_asset: Any, due_on: Any) -> None:
    pipe = make_asset(kind="pipeline", installed_on=D("2021-11-30"))
    single = make_asset(kind="pipeline", installed_on=D("2021-11-30"), **BARE)
    assert due_on(PACK, asset=pipe)["containment_sump_test"] == D("2024-11-30")
    assert "containment_sump_test" not in due_on(PACK, asset=single)


def test_walkthroughs(
    make_facility: Any, make_asset: Any, registered: Any, record: Any, due_on: Any
) -> None:
    fac = make_facility()
    make_asset(fac)
    registered(fac, "2025-01-31")
    got = due_on(PACK, facility=fac)
    assert got == {
        "walkthrough_30_day": D("2025-03-02"),
        "walkthrough_annual": D("2026-01-31"),
    }
    registered(fac, "2024-02-29")
    assert due_on(PACK, facility=fac)["walkthrough_annual"] == D("2025-02-28")
    # Operator training is the designated operators' (tests/people), not a calendar obligation.
    pipes_only = make_facility()
    make_asset(pipes_only, kind="pipeline")
    assert due_on(PACK, facility=pipes_only) == {}


def test_release_detection_equipment_test(make_asset: Any, due_on: Any) -> None:
    tank = make_asset(installed_on=D("2022-06-30"), **BARE)
    alld = make_asset(kind="pipeline", installed_on=D("2022-06-30"), leak_detection=[])
    manual = make_asset(
        installed_on=D("2022-06-30"), wall="single", leak_detection=["manual_gauging"]
    )
    assert due_on(PACK, asset=tank)["release_detection_equipment_test"] == D("2023-06-30")
    assert due_on(PACK, asset=alld)["release_detection_equipment_test"] == D("2023-06-30")
    assert "release_detection_equipment_test" not in due_on(PACK, asset=manual)
