"""Known answers for the SOC and return-to-compliance measures.

In 2024: the world's own visit (2025) stays out of these periods.
"""

from __future__ import annotations

from datetime import date


def _cite(code: str, asset: object | None = None, on_site: bool = False) -> dict:
    return {"code": code, "asset_id": getattr(asset, "id", None), "corrected_on_site": on_site}


def test_soc_percentages_latest_visit_counts(
    client, world, api_headers, post_visit, make_facility
) -> None:
    fac_c = make_facility(world["org_a"], name="丙加油站", registered_on=date(2020, 1, 10))
    # A: first visit finds a detection violation, the later one in the period finds none.
    post_visit(
        world["fac_a"], performed_at="2024-02-01T10:00:00+08:00", violations=[_cite("BJ-LD-01")]
    )
    post_visit(world["fac_a"], performed_at="2024-05-01T10:00:00+08:00")
    # B: a prevention violation (corrected on site still counts) and a non-SOC one.
    post_visit(
        world["fac_b"],
        performed_at="2024-03-01T10:00:00+08:00",
        violations=[_cite("BJ-FS-03", on_site=True), _cite("BJ-OP-01")],
    )
    # C: both categories out; a self-investigation of B later does not count.
    post_visit(
        fac_c,
        performed_at="2024-04-01T10:00:00+08:00",
        violations=[_cite("BJ-FS-02"), _cite("BJ-LD-05")],
    )
    post_visit(
        world["fac_b"], role="operator_b", kind="self_investigation",
        performed_at="2024-06-01T10:00:00+08:00",
    )  # fmt: skip
    # Outside the period: ignored.
    post_visit(fac_c, performed_at="2024-08-01T10:00:00+08:00")
    headers = api_headers(world["users"]["regulator"])
    m = client.get("/api/v1/measures?from=2024-01-01&to=2024-06-30", headers=headers).get_json()
    assert m["facilities_inspected"] == 3
    assert m["soc_release_prevention_pct"] == 33.3  # A only (B and C out)
    assert m["soc_release_detection_pct"] == 66.7  # A (latest) and B
    assert m["soc_combined_pct"] == 33.3
    # Open: A's first LD-01, B's OP-01, C's FS-02 and LD-05 (FS-03 corrected on site).
    assert m["violations_open"] == 4
    # All four open ones are past due today; FS-03 was on time: 1 of 5.
    assert m["rtc_on_time_pct"] == 20.0
    assert m["from"] == "2024-01-01" and m["to"] == "2024-06-30"


def test_return_on_time_counts_the_operators_date(client, world, api_headers, post_visit) -> None:
    visit = post_visit(
        world["fac_a"], performed_at="2024-03-10T10:00:00+08:00",
        violations=[_cite("BJ-LD-01"), _cite("BJ-OP-01")],
    ).get_json()  # fmt: skip
    op = api_headers(world["users"]["operator_a"])
    late, on_time = visit["violations"]  # LD-01 due 03-17, OP-01 due 04-09
    client.post(
        f"/api/v1/violations/{late['id']}/corrected",
        json={"corrected_on": "2024-03-20"},
        headers=op,
    )
    client.post(
        f"/api/v1/violations/{on_time['id']}/corrected",
        json={"corrected_on": "2024-04-01"},
        headers=op,
    )
    headers = api_headers(world["users"]["viewer"])
    m = client.get("/api/v1/measures?from=2024-03-01&to=2024-03-31", headers=headers).get_json()
    assert m["violations_open"] == 0 and m["rtc_on_time_pct"] == 50.0


def test_an_empty_period_has_no_percentages(client, world, api_headers) -> None:
    headers = api_headers(world["users"]["regulator"])
    m = client.get("/api/v1/measures?from=2001-01-01&to=2001-06-30", headers=headers).get_json()
    assert m["facilities_inspected"] == 0 and m["soc_combined_pct"] is None
    bad = client.get("/api/v1/measures?from=2001-06-30&to=2001-01-01", headers=headers)
    assert bad.status_code == 422


def test_half_years_of_the_dashboard() -> None:
    from registry.visits.dashboard import half_years

    assert half_years(date(2025, 8, 3), count=3) == [
        (date(2024, 7, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 12, 31)),
    ]


def test_dashboard_shows_the_half_years(app, client, world, post_visit) -> None:
    from registry.visits.dashboard import measure_rows
    from tests.helpers import log_in

    post_visit(world["fac_b"], performed_at="2024-03-01T10:00:00+08:00")
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh"):
        assert measure_rows(as_of=date(2025, 8, 3))[0]["label"] == "2024年上半年"
    with app.test_request_context(), force_locale("en"):
        rows = {r["label"]: r for r in measure_rows(as_of=date(2025, 8, 3))}
    assert list(rows) == ["2024 H1", "2024 H2", "2025 H1", "2025 H2"]
    assert rows["2024 H1"]["facilities_inspected"] == 1
    assert rows["2024 H1"]["soc_combined_pct"] == 100.0
    assert rows["2025 H1"]["facilities_inspected"] == 1  # the world's visit of A
    log_in(client, world["users"]["regulator"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="visit-measures"' in page and "<svg" in page
