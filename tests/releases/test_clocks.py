"""Known answers for every release clock of both packs."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.releases import services
from registry.releases.reminders import release_reminders
from tests.releases.conftest import at


def _due(release: Any) -> dict[str, Any]:
    return {s.code: s.due_at for s in release.steps}


def test_us_discovery_clocks_count_hours(
    use_pack: Any, make_facility: Any, open_release: Any
) -> None:
    use_pack("us-epa-280")
    release = open_release(make_facility(), "2026-03-01T23:30+08:00")
    assert _due(release) == {
        # 24 hours: 23:30 the next day, not "tomorrow"
        "report_suspected": at("2026-03-02T23:30+08:00"),
        "investigate": at("2026-03-08T23:30+08:00"),
    }
    assert release.number.startswith("R-2026-")


def test_us_confirmation_clocks_across_a_month_end(
    use_pack: Any, make_facility: Any, open_release: Any, db: Any
) -> None:
    use_pack("us-epa-280")
    release = open_release(make_facility(), "2026-01-28T09:00+08:00")
    services.confirm(release, confirmed_at=at("2026-01-31T18:00+08:00"), by=None, free_product=True)
    due = _due(release)
    assert due["initial_response"] == at("2026-02-01T18:00+08:00")
    assert due["initial_abatement_report"] == at("2026-02-20T18:00+08:00")
    assert due["site_characterization"] == at("2026-03-17T18:00+08:00")
    assert due["free_product_report"] == at("2026-03-17T18:00+08:00")
    assert due["corrective_action_plan"] is None  # runs when the agency asks
    # confirming completes the investigation
    steps = {s.code: s for s in release.steps}
    assert steps["investigate"].done_at == at("2026-01-31T18:00+08:00")
    assert steps["report_suspected"].done_at is None


def test_us_free_product_step_only_where_found(
    use_pack: Any, make_facility: Any, open_release: Any
) -> None:
    use_pack("us-epa-280")
    release = open_release(make_facility(), "2026-01-28T09:00+08:00")
    services.confirm(release, confirmed_at=at("2026-01-29T09:00+08:00"), by=None)
    assert "free_product_report" not in _due(release)


def test_cn_beijing_clocks(use_pack: Any, make_facility: Any, open_release: Any) -> None:
    use_pack("cn-beijing")
    release = open_release(make_facility(), "2026-03-01T23:30+08:00")
    assert _due(release) == {
        "report_emergency": at("2026-03-02T23:30+08:00"),
        "site_investigation": at("2026-03-31T23:30+08:00"),
    }
    services.confirm(release, confirmed_at=at("2026-03-31T10:00+08:00"), by=None)
    due = _due(release)
    assert due["risk_assessment"] == at("2026-06-29T10:00+08:00")
    assert due["list_entry"] == at("2026-07-29T10:00+08:00")
    assert due["risk_control_or_remediation"] == at("2027-03-31T10:00+08:00")
    assert due["effect_evaluation"] == at("2027-09-27T10:00+08:00")
    assert due["post_cleanup_plan"] == at("2027-10-27T10:00+08:00")
    assert due["post_cleanup_done"] == at("2028-10-26T10:00+08:00")
    assert due["list_removal"] == at("2028-11-25T10:00+08:00")


def test_reminders_due_at_the_hour(
    use_pack: Any, make_facility: Any, open_release: Any, app: Any
) -> None:
    use_pack("us-epa-280")
    release = open_release(make_facility(), "2026-03-01T23:30+08:00")
    items = {i.obligation: i for i in release_reminders(as_of=date(2026, 3, 2), window_days=14)}
    report = items["report_suspected"]
    assert report.due_on == date(2026, 3, 2)
    assert report.state == "due_soon"
    assert report.extra["due_at"] == at("2026-03-02T23:30+08:00")
    assert report.extra["release_id"] == release.id
    later = {i.obligation: i for i in release_reminders(as_of=date(2026, 3, 4), window_days=14)}
    assert later["report_suspected"].state == "overdue"
    assert later["report_suspected"].days_overdue == 2


def test_us_corrective_action_plan_runs_when_asked(
    use_pack: Any, client: Any, world: Any, api_headers: Any, open_release: Any
) -> None:
    use_pack("us-epa-280")
    release = open_release(world["fac_b"], "2026-01-28T09:00+08:00")
    services.confirm(release, confirmed_at=at("2026-01-29T09:00+08:00"), by=None)
    from registry.extensions import db

    db.session.commit()
    url = f"/api/v1/releases/{release.id}/steps/corrective_action_plan/request"
    body = {"due_at": "2026-04-30T17:00:00+08:00"}
    op = api_headers(world["users"]["operator_b"])
    assert client.post(url, json=body, headers=op).status_code == 403
    reg = api_headers(world["users"]["regulator"])
    r = client.post(url, json=body, headers=reg)
    assert r.status_code == 200 and r.json["due_at"] == "2026-04-30T09:00:00+00:00"
    other = f"/api/v1/releases/{release.id}/steps/initial_response/request"
    assert client.post(other, json=body, headers=reg).status_code == 409
    items = release_reminders(as_of=date(2026, 4, 20), window_days=14)
    assert "corrective_action_plan" in {i.obligation for i in items}


def test_numbers_given_back_on_rollback(make_facility: Any, db: Any) -> None:
    from registry.extensions import db as _db
    from registry.releases.numbering import next_number

    facility = make_facility()
    first = services.open_release(
        facility, {"discovered_at": at("2026-05-01T10:00+08:00"), "description": "x"}
    ).number
    _db.session.rollback()
    again = next_number(2026)
    assert again == first
