"""The visit's pages on a 360 px phone: the inspector starts a visit from the facility page,
adds a violation from the searchable library and finishes; every page fits, no console errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.services import acting_as
from registry.demo import load_demo
from registry.visits.models import ComplianceInspection
from tests.browser.conftest import log_in
from tests.browser.test_pages_mobile import _check

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_visit(committed_db: Any) -> dict[str, int]:
    with acting_as("demo"):
        load_demo()
        committed_db.session.commit()
    visit = committed_db.session.scalar(
        select(ComplianceInspection).order_by(ComplianceInspection.id)
    )
    return {"visit": visit.id, "facility": visit.facility_id}


def test_inspector_visits_on_a_phone(live_url: str, phone: Any, demo_visit: dict[str, int]) -> None:
    log_in(phone, live_url, "inspector@demo.local", "inspector-demo")
    for path in (
        f"/facilities/{demo_visit['facility']}",
        f"/compliance-inspections/{demo_visit['visit']}",
        "/violations?overdue=1",
        "/inspection-plans",
    ):
        _check(phone, live_url + path)
    form = f"{live_url}/facilities/{demo_visit['facility']}/compliance-inspections/new"
    _check(phone, form)
    phone.fill("input[name=code_0]", "BJ-OP-01")
    phone.fill("input[name=note_0]", "巡检记录不全")
    phone.click("form[data-form=visit] button[type=submit]")
    phone.wait_for_load_state()
    assert "/compliance-inspections/" in phone.url and "/new" not in phone.url, phone.url
    assert "BJ-OP-01" in phone.content()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert not phone.console_errors, phone.console_errors
    phone.screenshot(path="/tmp/visit_phone.png", full_page=True)


def test_regulator_dashboard_on_a_phone(
    live_url: str, phone: Any, demo_visit: dict[str, int]
) -> None:
    log_in(phone, live_url, "regulator@demo.local", "regulator-demo")
    _check(phone, f"{live_url}/dashboard")
    assert phone.locator("#visit-measures svg").count() == 1
