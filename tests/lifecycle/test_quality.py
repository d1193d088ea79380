"""Known answers for the notices that must come before an event: `closure_without_notice` and
`substance_change_without_notice`, in both packs."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.filings import quality

D = date.fromisoformat


def codes_of(asset: Any) -> set[str]:
    return {p.code for p in quality.asset_problems(asset) if p.asset_id == asset.id}


def test_closure_without_notice_us(make_asset: Any, record: Any, use_pack: Any) -> None:
    use_pack("us-epa-280")
    closed = {"status": "permanently_closed", "closed_on": D("2026-03-31")}
    none, timely, late, stale, site = (make_asset(**closed) for _ in range(5))
    record(timely, "closure_notice", "2026-03-01")  # exactly 30 days before
    record(late, "closure_notice", "2026-03-02")  # 29 days: not the prior notice asked for
    record(stale, "closure_notice", "2025-02-28")  # over a year before the 30 days
    record(site.facility, "closure_notice", "2026-02-01")  # the facility's notice covers it
    assert "closure_without_notice" in codes_of(none)
    assert "closure_without_notice" not in codes_of(timely)
    assert "closure_without_notice" in codes_of(late)
    assert "closure_without_notice" in codes_of(stale)
    assert "closure_without_notice" not in codes_of(site)
    temp = make_asset(status="temporarily_closed", closed_on=D("2026-03-31"))
    pipe = make_asset(kind="pipeline", **closed)
    assert "closure_without_notice" not in codes_of(temp) | codes_of(pipe)


def test_closure_without_notice_cn(make_asset: Any, record: Any, use_pack: Any) -> None:
    use_pack("cn-beijing")
    gone = make_asset(status="permanently_closed", closed_on=D("2026-02-28"))
    planned = make_asset(status="permanently_closed", closed_on=D("2026-02-28"))
    record(planned, "dismantling_plan_filing", "2026-02-07")  # 21 days before
    assert "closure_without_notice" in codes_of(gone)
    assert "closure_without_notice" not in codes_of(planned)


def test_substance_change_without_notice(make_asset: Any, record: Any, use_pack: Any) -> None:
    use_pack("us-epa-280")
    changed = {"substance": "biodiesel", "substance_changed_on": D("2026-06-30")}
    none, noticed = make_asset(**changed), make_asset(**changed)
    record(noticed, "compatibility_notice", "2026-05-15")
    registered_so = make_asset(substance="biodiesel")  # stored from the start: no switch
    assert "substance_change_without_notice" in codes_of(none)
    assert "substance_change_without_notice" not in codes_of(noticed)
    assert "substance_change_without_notice" not in codes_of(registered_so)
    use_pack("cn-beijing")
    assert "substance_change_without_notice" not in codes_of(none)
    assert "substance_change_without_notice" not in quality.active_codes()
