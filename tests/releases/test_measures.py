"""The measures of a period: release counts, reports on time, assets and inspections."""

from __future__ import annotations

from typing import Any

from registry.extensions import db
from registry.releases import services
from tests.releases.conftest import at


def test_measures_of_a_period(
    client: Any, world: dict[str, Any], api_headers: Any, open_release: Any
) -> None:
    reg = api_headers(world["users"]["regulator"])
    fac_b = world["fac_b"]
    late = open_release(fac_b, "2026-05-10T09:00+08:00")
    on_time = open_release(fac_b, "2026-05-11T09:00+08:00")
    services.record_step(on_time, "report_emergency", done_at=at("2026-05-11T20:00+08:00"), by=None)
    services.record_step(late, "report_emergency", done_at=at("2026-05-12T10:00+08:00"), by=None)
    services.confirm(late, confirmed_at=at("2026-05-20T09:00+08:00"), by=None)
    services.close(late, closed_on=at("2026-06-02T09:00+08:00").date(), reason="Done", by=None)
    services.not_confirmed(on_time, reason="Probe fault", by=None)
    db.session.commit()
    r = client.get("/api/v1/measures?from=2026-05-01&to=2026-05-31", headers=reg)
    assert r.status_code == 200, r.json
    m = r.json
    assert m["releases_suspected"] == 2
    assert m["releases_confirmed"] == 1
    assert m["releases_closed"] == 0
    assert m["reported_on_time_pct"] == 50.0
    assert m["assets_in_service"] >= 4 and m["inspections"] == 0
    assert m["assets_overdue"] >= 1
    june = client.get("/api/v1/measures?from=2026-06-01&to=2026-06-30", headers=reg).json
    assert june["releases_closed"] == 1 and june["releases_suspected"] == 0
    assert june["reported_on_time_pct"] is None
    # at the end of June: the world's two releases at A (March), and B's not-confirmed one, which
    # was decided when the test ran (after June); B's closed one is not
    assert june["releases_open"] == 3
    bad = client.get("/api/v1/measures?from=2026-07-01&to=2026-06-30", headers=reg)
    assert bad.status_code == 422
