"""Monitoring alerts as operators' reminders: one per series and kind, only while current."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.compliance.calendar import uid_of
from registry.extensions import db
from registry.monitoring.alerts import monitoring_alert_reminders
from registry.monitoring.services import add_reading
from registry.monitoring.services import create_point


def _series(point: Any, parameter: str, values: list[float], year: int = 2026) -> None:
    for i, v in enumerate(values):
        add_reading(
            point,
            entered_by=None,
            parameter=parameter,
            value=v,
            unit="mg/L",
            sampled_on=date(year, 1 + i, 1),
        )


def test_one_reminder_per_series_while_it_is_current(world: dict[str, Any]) -> None:
    org = world["org_a"]
    mw2 = create_point(world["fac_a"], created_by=None, name="MW-2", kind="groundwater_well")
    _series(mw2, "benzene", [0.02, 0.03, 0.04, 0.05, 0.06])  # 5 exceedances and a rising trend
    _series(world["point_a"], "toluene", [0.9, 0.1])  # exceeded, then came back down
    db.session.commit()
    items = list(monitoring_alert_reminders(as_of=date(2026, 7, 1), organization_id=org.id))
    got = sorted((i.obligation, i.extra["point_id"], i.due_on) for i in items)
    assert got == [
        ("monitoring_exceedance", mw2.id, date(2026, 5, 1)),
        ("monitoring_rising_trend", mw2.id, date(2026, 5, 1)),
    ]
    assert all(i.source == "monitoring_alert" and i.state == "overdue" for i in items)
    assert "MW-2" in items[0].title_zh and "苯" in items[0].title_zh
    assert "benzene" in items[0].title_en
    # distinct calendar events
    assert len({uid_of(i) for i in items}) == 2
    # a year later they are history
    assert not list(monitoring_alert_reminders(as_of=date(2027, 6, 1), organization_id=org.id))
    # another organization's operator gets none of them
    other = monitoring_alert_reminders(as_of=date(2026, 7, 1), organization_id=world["org_b"].id)
    assert not list(other)
