"""The main pages on a 360 px phone: no sideways scrolling, big enough touch targets,
no console errors (CSP violations included)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.services import acting_as
from registry.demo import load_demo
from registry.sites.models import Facility
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# Buttons and links inside forms and action bars: what a thumb has to hit.
TARGETS_JS = """
() => Array.from(document.querySelectorAll(
    'main form button, main form a, main form input[type=submit], main .actions a, ' +
    'main .actions button, main a.button, main .pager a, header button, header nav a'))
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map(el => ({
    text: (el.innerText || el.value || '').trim(),
    height: el.getBoundingClientRect().height,
  }))
"""


@pytest.fixture
def demo(committed_db: Any) -> dict[str, int]:
    with acting_as("demo"):
        load_demo()
        committed_db.session.commit()
    facility = committed_db.session.scalar(select(Facility).order_by(Facility.id))
    asset = committed_db.session.scalar(
        select(Asset).where(Asset.facility_id == facility.id).order_by(Asset.id)
    )
    return {"facility": facility.id, "asset": asset.id}


def _check(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.url.split("?")[0] == url.split("?")[0], f"redirected to {page.url}"
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{url}: page is {width}px wide on a 360px screen"
    small = [t for t in page.evaluate(TARGETS_JS) if t["height"] < 44]
    assert not small, f"{url}: touch targets under 44px: {small}"
    assert_accessible(page)
    assert not page.console_errors, f"{url}: console errors: {page.console_errors}"


def test_operator_pages_fit_a_phone(live_url: str, phone: Any, demo: dict[str, int]) -> None:
    log_in(phone, live_url, "operator@demo.local", "operator-demo")
    for path in (
        "/facilities",
        "/assets",
        f"/facilities/{demo['facility']}",
        f"/assets/{demo['asset']}",
        f"/assets/new?facility_id={demo['facility']}&kind=tank",
        f"/assets/{demo['asset']}/edit",
        f"/assets/{demo['asset']}/close",
        "/facilities/new",
    ):
        _check(phone, live_url + path)


def test_regulator_pages_fit_a_phone(live_url: str, phone: Any, demo: dict[str, int]) -> None:
    log_in(phone, live_url, "regulator@demo.local", "regulator-demo")
    for path in (
        "/organizations",
        "/organizations/new",
        "/users",
        "/users/new",
        "/assets?page_size=5",
    ):
        _check(phone, live_url + path)


def test_rejected_form_on_a_phone_keeps_input(
    live_url: str, phone: Any, demo: dict[str, int]
) -> None:
    log_in(phone, live_url, "operator@demo.local", "operator-demo")
    phone.goto(f"{live_url}/assets/new?facility_id={demo['facility']}&kind=tank")
    phone.select_option("#f-substance", "diesel")
    phone.fill("#f-capacity_litres", "-5")
    phone.fill("#f-operator_ref", "T9")
    phone.click("form.form button[type=submit]")
    phone.wait_for_load_state()
    assert phone.input_value("#f-capacity_litres") == "-5"
    assert phone.input_value("#f-operator_ref") == "T9"
    assert phone.input_value("#f-substance") == "diesel"
    assert phone.is_visible("#capacity_litres-error")
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert not phone.console_errors


def test_login_page_fits_a_phone(live_url: str, phone: Any) -> None:
    _check(phone, f"{live_url}/login")
    assert "登录" in phone.content()
