"""Operator training: known due dates per class, the reminders they make, the API and pages."""

from __future__ import annotations

import io
from datetime import date
from datetime import timedelta
from typing import Any

from registry.compliance.rules import load_pack
from registry.core.dates import today
from registry.people.training import class_due
from registry.people.training import training_items

D = date.fromisoformat
US = load_pack("us-epa-280").training
CN = load_pack("cn-beijing").training
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_pack_settings_are_marked_assumed() -> None:
    assert US is not None and CN is not None
    assert (US.classes, US.train_within_days, US.refresher_years) == (("A", "B", "C"), 30, 3)
    assert US.assumed == ("refresher_years",) and US.before_duties == ("C",)
    assert CN.refresher_years == 1 and "train_within_days" in CN.assumed


def test_class_due_known_answers() -> None:
    assert US is not None and CN is not None
    reg = D("2026-01-31")
    # Nobody designated: the facility's registration plus the days to train.
    assert class_due(US, "A", registered_on=reg, latest_training=None, first_designation=None) == (
        D("2026-03-02"),
        "missing",
    )
    # Designated, untrained: 30 days for A and B, none for C (trained before duties).
    got = class_due(US, "B", registered_on=reg, latest_training=None, first_designation=reg)
    assert got == (D("2026-03-02"), "untrained")
    got = class_due(US, "C", registered_on=reg, latest_training=None, first_designation=reg)
    assert got == (reg, "untrained")
    # Trained: the refresher, months clamped to the month's end (3 years after 29 February).
    got = class_due(
        US, "A", registered_on=reg, latest_training=D("2024-02-29"), first_designation=reg
    )
    assert got == (D("2027-02-28"), "refresher")
    got = class_due(
        CN, "A", registered_on=reg, latest_training=D("2025-08-31"), first_designation=reg
    )
    assert got == (D("2026-08-31"), "refresher")
    got = class_due(CN, "B", registered_on=reg, latest_training=None, first_designation=None)
    assert got == (D("2026-07-30"), "missing")  # 180 days


def test_reminders_per_missing_untrained_or_lapsed_class(
    client: Any,
    make_facility: Any,
    make_asset: Any,
    make_user: Any,
    api_headers: Any,
    use_pack: Any,
) -> None:
    use_pack("us-epa-280")
    fac = make_facility(registered_on=D("2024-01-10"))
    make_asset(fac, registered_on=D("2024-01-10"))
    h = api_headers(make_user("operator", organization=fac.organization))

    def training() -> dict[str, dict[str, Any]]:
        items = client.get("/api/v1/reminders", headers=h).json
        return {i["operator_class"]: i for i in items if i["obligation"] == "operator_training"}

    got = training()
    assert set(got) == {"A", "B", "C"}
    assert got["A"]["due_on"] == "2024-02-09" and got["A"]["state"] == "overdue"
    assert got["A"]["facility_id"] == fac.id and got["A"]["asset_id"] is None
    url = f"/api/v1/facilities/{fac.id}/designated-operators"
    recent = (today() - timedelta(days=10)).isoformat()
    for body in (
        {"name": "Ann", "operator_class": "A", "trained_on": recent},
        {"name": "Bob", "operator_class": "B", "designated_on": recent},  # 20 days left
        {"name": "Cy", "operator_class": "C", "designated_on": recent},  # before duties
    ):
        r = client.post(url, headers=h, json=body)
        assert r.status_code == 201, r.json
    got = training()
    assert set(got) == {"C"} and got["C"]["due_on"] == recent
    listed = client.get(url, headers=h).json
    assert [p["operator_class"] for p in listed] == ["A", "B", "C"]
    cy = listed[2]
    r = client.patch(
        f"/api/v1/designated-operators/{cy['id']}",
        headers=h,
        json={"version": cy["version"], "trained_on": recent},
    )
    assert r.status_code == 200
    assert training() == {}
    # Three years on, the refresher falls due for A and C.
    later = (today() + timedelta(days=3 * 366)).isoformat()
    items = client.get(f"/api/v1/reminders?as_of={later}", headers=h).json
    lapsed = {i["operator_class"]: i for i in items if i["obligation"] == "operator_training"}
    assert set(lapsed) == {"A", "B", "C"}
    assert "refresher" in lapsed["A"]["title"] or "复训" in lapsed["A"]["title"]


def test_operator_api_validates(
    client: Any, make_facility: Any, make_user: Any, api_headers: Any
) -> None:
    fac = make_facility()
    h = api_headers(make_user("operator", organization=fac.organization))
    url = f"/api/v1/facilities/{fac.id}/designated-operators"
    r = client.post(url, headers=h, json={"name": "X", "operator_class": "D"})
    assert r.status_code == 422 and "operator_class" in str(r.json["errors"])
    future = (today() + timedelta(days=2)).isoformat()
    r = client.post(url, headers=h, json={"name": "X", "operator_class": "A", "trained_on": future})
    assert r.status_code == 422


def test_operators_page_adds_with_a_certificate_file(
    client: Any, make_facility: Any, make_asset: Any, login_as: Any
) -> None:
    fac = make_facility()
    make_asset(fac)
    login_as("operator", organization=fac.organization, locale="en")
    page = client.get(f"/facilities/{fac.id}/operators")
    assert page.status_code == 200
    assert "No Class A operator designated" in page.get_data(as_text=True)
    resp = client.post(
        f"/facilities/{fac.id}/operators",
        data={
            "name": "Dana",
            "operator_class": "A",
            "trained_on": today().isoformat(),
            "certificate_number": "TX-123",
            "certificate": (io.BytesIO(PDF), "cert.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    html = client.get(f"/facilities/{fac.id}/operators").get_data(as_text=True)
    assert "Dana" in html and "cert.pdf" in html and "No Class A" not in html
    items = {i.extra["operator_class"]: i for i in training_items(today(), facility_id=fac.id)}
    assert items["A"].title_en == "Operator training: Class A operator refresher training"
    assert items["B"].title_en == "Operator training: No Class B operator designated"
    person = client.get(f"/api/v1/facilities/{fac.id}/designated-operators").json
    download = client.get(f"/designated-operators/{person[0]['id']}/certificate")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    bad = client.post(
        f"/facilities/{fac.id}/operators",
        data={
            "name": "Eve",
            "operator_class": "B",
            "certificate": (io.BytesIO(b"<html>"), "cert.html", "text/html"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422


def test_the_visit_form_records_the_training_violation(
    client: Any, make_facility: Any, make_asset: Any, login_as: Any, use_pack: Any
) -> None:
    use_pack("us-epa-280")
    fac = make_facility()
    make_asset(fac)
    login_as("inspector", locale="en")
    from tests.forms import submitted

    page = client.get(f"/facilities/{fac.id}/compliance-inspections/new").get_data(as_text=True)
    assert "designated-operators" in page
    form = submitted(page)
    form.update(operators_present="no", kind="routine")
    resp = client.post(f"/facilities/{fac.id}/compliance-inspections/new", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    visit = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "US-OP-02" in visit
