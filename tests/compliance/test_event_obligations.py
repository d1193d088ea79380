"""Known answers for the event obligations of both packs: counted from closures, substance
changes and installations, with month ends, a year's look-back and notices that come before."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.compliance.rules import load_pack

D = date.fromisoformat
US, CN = "us-epa-280", "cn-beijing"


def events(got: dict[str, date]) -> dict[str, date]:
    """Only the event obligations' due dates."""
    codes = {o.code for p in (US, CN) for o in load_pack(p).event_obligations}
    return {k: v for k, v in got.items() if k in codes}


def test_temporary_closure_clocks_count_months_to_the_month_end(
    make_asset: Any, due_on: Any, record: Any
) -> None:
    tank = make_asset(status="temporarily_closed", closed_on=D("2025-11-30"))
    assert events(due_on(US, asset=tank)) == {
        "temporary_closure_secured": D("2026-02-28"),  # Nov 30 + 3 months: Feb's last day
        "temporary_closure_limit": D("2026-11-30"),
    }
    leap = make_asset(status="temporarily_closed", closed_on=D("2024-02-29"))
    assert events(due_on(US, asset=leap))["temporary_closure_limit"] == D("2025-02-28")
    record(tank, "temporary_closure_securing", "2026-01-10")
    record(tank, "temporary_closure_extension", "2024-10-01")  # over a year before: not this one
    assert events(due_on(US, asset=tank)) == {"temporary_closure_limit": D("2026-11-30")}
    record(tank, "temporary_closure_extension", "2026-11-02")
    assert events(due_on(US, asset=tank)) == {}
    back = make_asset(status="in_service", closed_on=None)
    assert events(due_on(US, asset=back)) == {}


def test_permanent_closure_notice_comes_before_and_the_assessment_at_closure(
    make_asset: Any, due_on: Any, record: Any
) -> None:
    tank = make_asset(status="permanently_closed", closed_on=D("2026-03-31"))
    assert events(due_on(US, asset=tank)) == {
        "permanent_closure_notice": D("2026-03-01"),  # 30 days before
        "closure_site_assessment": D("2026-03-31"),
    }
    record(tank, "closure_notice", "2025-02-01")  # more than a year before the closure
    assert "permanent_closure_notice" in events(due_on(US, asset=tank))
    record(tank, "closure_notice", "2026-03-20")  # late, but given: the reminder ends
    record(tank, "closure_site_assessment", "2026-04-10", result="fail")  # done, found a release
    assert events(due_on(US, asset=tank)) == {}
    pipe = make_asset(kind="pipeline", status="permanently_closed", closed_on=D("2026-03-31"))
    assert events(due_on(US, asset=pipe)) == {}


def test_a_facility_wide_notice_covers_its_tanks(
    make_facility: Any, make_asset: Any, due_on: Any, record: Any
) -> None:
    fac = make_facility()
    tank = make_asset(fac, status="permanently_closed", closed_on=D("2026-01-31"))
    record(fac, "closure_notice", "2025-12-15")
    assert events(due_on(US, asset=tank)) == {"closure_site_assessment": D("2026-01-31")}


def test_substance_notices_count_from_the_recorded_change(make_asset: Any, due_on: Any) -> None:
    e85 = make_asset(substance="ethanol_blend", substance_changed_on=D("2026-05-31"))
    b99 = make_asset(substance="biodiesel", substance_changed_on=D("2026-03-01"))
    never_changed = make_asset(substance="ethanol_blend")
    assert events(due_on(US, asset=e85)) == {"ethanol_blend_notice": D("2026-05-01")}
    assert events(due_on(US, asset=b99)) == {"biodiesel_notice": D("2026-01-30")}
    assert events(due_on(US, asset=never_changed)) == {}
    assert events(due_on(CN, asset=e85)) == {}


def test_new_system_notice_within_30_days_of_installation(
    make_asset: Any, due_on: Any, registered: Any
) -> None:
    new = make_asset(installed_on=D("2026-01-01"))
    edge = make_asset(installed_on=D("2025-12-16"))
    old = make_asset(installed_on=D("2025-12-15"))
    for tank in (new, edge, old):
        registered(tank, "2026-01-15")
    assert events(due_on(US, asset=new)) == {"new_system_notice": D("2026-01-31")}
    # Registered 30 days after installation: still open then.
    assert events(due_on(US, asset=edge)) == {"new_system_notice": D("2026-01-15")}
    # Registered later: notified (or not) before the registry knew it.
    assert events(due_on(US, asset=old)) == {}


def test_cn_dismantling_plan_before_and_soil_investigation_after(
    make_asset: Any, due_on: Any, record: Any
) -> None:
    tank = make_asset(status="permanently_closed", closed_on=D("2026-02-28"))
    assert events(due_on(CN, asset=tank)) == {
        "dismantling_pollution_plan": D("2026-02-07"),  # 21 days (15 working days) before
        "closure_soil_investigation": D("2026-05-29"),  # 90 days after
    }
    record(tank, "dismantling_plan_filing", "2026-01-20")
    assert events(due_on(CN, asset=tank)) == {"closure_soil_investigation": D("2026-05-29")}
    temp = make_asset(status="temporarily_closed", closed_on=D("2026-02-28"))
    assert events(due_on(CN, asset=temp)) == {}


def test_states_count_from_the_event(make_asset: Any, db: Any) -> None:
    from registry.compliance import engine

    tank = make_asset(status="permanently_closed", closed_on=D("2026-03-31"))
    items = engine.compute(
        load_pack(US),
        as_of=D("2026-03-25"),
        window_days=14,
        scope=engine.Scope(asset_id=tank.id),
    )
    got = {i.obligation: (i.state, i.days_overdue) for i in items}
    assert got["permanent_closure_notice"] == ("overdue", 24)
    assert got["closure_site_assessment"] == ("due_soon", 0)
