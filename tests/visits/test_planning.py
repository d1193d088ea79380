"""Which facilities are due a visit, and reproducible random draws."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.compliance.models import ActivityRecord
from registry.visits import planning


def test_due_list_follows_the_packs_years(app, world, post_visit) -> None:
    post_visit(world["fac_a"], performed_at="2025-03-10T10:00:00+08:00")
    post_visit(world["fac_b"], role="operator_b", kind="self_investigation")
    with app.test_request_context():
        due = {r["facility_id"]: r for r in planning.inspection_due(as_of=date(2025, 12, 1))}
        later = {r["facility_id"]: r for r in planning.inspection_due(as_of=date(2026, 3, 10))}
    # cn-beijing: one year. A was inspected; B's self-investigation does not count.
    assert world["fac_a"].id not in due
    assert due[world["fac_b"].id]["last_inspected_on"] is None
    assert later[world["fac_a"].id]["due_on"] == date(2026, 3, 10)
    assert later[world["fac_a"].id]["last_inspected_on"] == date(2025, 3, 10)


def test_a_draw_is_reproducible(client, world, api_headers, make_user) -> None:
    for _ in range(3):
        make_user("inspector")
    headers = api_headers(world["users"]["regulator"])
    body = {"count": 2, "seed": 20251, "due_only": True, "inspectors_per_facility": 2}
    first = client.post("/api/v1/inspection-plans", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/inspection-plans", json=body, headers=headers).get_json()
    assert again["facilities"] == first.get_json()["facilities"]
    assert again["id"] != first.get_json()["id"] and again["seed"] == 20251
    drawn = first.get_json()["facilities"]
    assert len(drawn) == 2 and all(len(f["inspector_ids"]) == 2 for f in drawn)
    inspector = api_headers(world["users"]["inspector"])
    assert client.post("/api/v1/inspection-plans", json=body, headers=inspector).status_code == 403
    public = client.get(f"/inspection-plans/{first.get_json()['id']}/public")
    assert public.status_code == 200
    page = public.get_data(as_text=True)
    assert "20251" in page
    assert world["users"]["inspector"].email not in page


def test_self_investigation_satisfies_the_hidden_hazard_obligation(
    app, db, world, post_visit, make_facility, make_asset
) -> None:
    key = make_facility(
        world["org_a"], name="重点单位", key_supervised=True, kind="key_supervised_unit"
    )
    make_asset(key)  # its buried tank makes the hidden-hazard obligation apply
    resp = post_visit(key, role="operator_a", kind="self_investigation")
    assert resp.status_code == 201, resp.get_json()
    records = db.session.scalars(
        select(ActivityRecord).where(ActivityRecord.facility_id == key.id)
    ).all()
    assert [r.activity for r in records] == ["hidden_hazard_investigation"]
    assert records[0].performed_on == date(2025, 3, 10)


def test_draw_from_the_page_and_refuse_a_fractional_seed(client, world, api_headers) -> None:
    from tests.helpers import log_in

    log_in(client, world["users"]["regulator"])
    form = {"count": "1", "seed": "42", "inspectors_per_facility": "1", "due_only": "on"}
    resp = client.post("/inspection-plans", data=form)
    assert resp.status_code == 302 and "/public" in resp.headers["Location"]
    headers = api_headers(world["users"]["regulator"])
    body = {"count": 1, "seed": 2.5}
    assert client.post("/api/v1/inspection-plans", json=body, headers=headers).status_code == 422


def test_demo_has_visits(db) -> None:
    from registry.demo import load_demo
    from registry.visits.models import ComplianceInspection
    from registry.visits.models import Violation

    assert load_demo()
    visits = db.session.scalars(select(ComplianceInspection)).all()
    assert len(visits) == 2 and all(v.result == "violations" for v in visits)
    statuses = sorted(v.status for v in db.session.scalars(select(Violation)))
    assert statuses == ["open", "open", "verified"]  # proposed, overdue, corrected on site
