"""Monitoring on a 360 px phone: the point page and its chart fit, the reading form keeps its
input when refused, and the regulator's dashboard shows the alerts (no CSP errors)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.audit.services import acting_as
from registry.demo import load_demo
from registry.monitoring.models import MonitoringPoint
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import log_in
from tests.browser.test_pages_mobile import _check

pytestmark = pytest.mark.browser


@pytest.fixture
def well(committed_db: Any) -> MonitoringPoint:
    with acting_as("demo"):
        load_demo()
        committed_db.session.commit()
    point = committed_db.session.scalar(
        select(MonitoringPoint).where(MonitoringPoint.name.like("MW-1%"))
    )
    assert point is not None
    return point


def test_point_page_and_chart_fit_a_phone(live_url: str, phone: Any, well: Any) -> None:
    log_in(phone, live_url, "operator@demo.local", "operator-demo")
    _check(phone, f"{live_url}/facilities/{well.facility_id}/monitoring")
    _check(phone, f"{live_url}/monitoring-points/{well.id}")
    box = phone.locator("#parameter-benzene svg").bounding_box()
    assert box["width"] <= 360 and box["height"] > 100
    assert phone.locator("#parameter-benzene svg circle").count() == 6
    assert phone.locator("#parameter-benzene svg line.screening").count() == 1
    phone.select_option("#f-parameter", "benzene")
    phone.fill("#f-value", "0.02")
    phone.fill("#f-unit", "µg/m³")  # soil gas's unit, not a well's
    phone.fill("#f-sampled_on", "2026-01-20")
    phone.click("form.form button[type=submit]")
    phone.wait_for_load_state()
    assert phone.input_value("#f-value") == "0.02"
    assert phone.input_value("#f-unit") == "µg/m³"
    assert phone.is_visible("#unit-error")
    assert_accessible(phone)  # the refused form with its message at the field
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert not phone.console_errors


def test_regulator_sees_alerts_on_a_phone(live_url: str, phone: Any, well: Any) -> None:
    log_in(phone, live_url, "regulator@demo.local", "regulator-demo")
    _check(phone, f"{live_url}/dashboard")
    assert phone.inner_text("[data-count=monitoring_alerts] .num") == "2"
    _check(phone, f"{live_url}/alerts")
    assert phone.locator("tr[data-kind=rising_trend]").count() == 1
    assert phone.locator("tr[data-kind=exceedance]").count() == 1


def test_operator_acknowledges_an_alert_on_a_phone(live_url: str, phone: Any, well: Any) -> None:
    log_in(phone, live_url, "operator@demo.local", "operator-demo")
    _check(phone, f"{live_url}/alerts")
    before = phone.locator("tr[data-acknowledged=false]").count()
    assert before >= 1
    phone.locator("tr[data-acknowledged=false] a.button").first.click()
    phone.wait_for_load_state("load")
    assert "/acknowledge" in phone.url
    _check(phone, phone.url)
    phone.click("form.form button[type=submit]")  # no note: refused at the field
    phone.wait_for_load_state("load")
    assert phone.is_visible("#note-error")
    assert_accessible(phone)
    phone.fill("#f-note", "Resample ordered for Monday.")
    phone.click("form.form button[type=submit]")
    phone.wait_for_load_state("load")
    assert phone.url.split("?")[0] == f"{live_url}/alerts"
    assert phone.locator("tr[data-acknowledged=false]").count() == before - 1
    _check(phone, f"{live_url}/alerts?state=all")
    assert "Resample ordered for Monday." in phone.inner_text("table.alerts")
