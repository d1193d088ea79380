"""The landing page of a scanned tag on a 360 px phone: the card, the log-in round trip,
the box for a mistyped tag; no sideways scrolling, big touch targets, no console errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.assets.models import Asset
from registry.assets.tags import display
from registry.audit.services import acting_as
from registry.demo import load_demo
from tests.browser.a11y import assert_accessible

pytestmark = pytest.mark.browser

TARGETS_JS = """
() => Array.from(document.querySelectorAll('main a.button, main button, main input'))
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map(el => ({ text: (el.innerText || el.value || '').trim(),
                height: el.getBoundingClientRect().height }))
"""


@pytest.fixture
def tag(committed_db: Any) -> str:
    with acting_as("demo"):
        load_demo()
        committed_db.session.commit()
    asset = committed_db.session.scalar(select(Asset).order_by(Asset.id))
    return str(asset.tag)


def _fits(page: Any) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    small = [t for t in page.evaluate(TARGETS_JS) if t["height"] < 44]
    assert not small, f"touch targets under 44px: {small}"
    assert_accessible(page)
    assert not page.console_errors, page.console_errors


def test_scan_log_in_and_come_back(live_url: str, phone: Any, tag: str) -> None:
    phone.goto(f"{live_url}/t/{tag}")
    main = phone.locator("main")
    assert main.get_attribute("data-red-tagged") in ("true", "false")
    assert main.get_attribute("data-view") == "public"
    assert display(tag) in phone.content()
    _fits(phone)
    phone.click("main .login-more a")
    phone.wait_for_load_state()
    assert "/login" in phone.url
    phone.fill("#email", "inspector@demo.local")
    phone.fill("#password", "inspector-demo")
    phone.click("form.form button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url == f"{live_url}/t/{tag}"
    assert phone.locator("main").get_attribute("data-view") == "summary"
    assert phone.locator("main .landing-actions a.primary").first.is_visible()
    _fits(phone)


def test_mistyped_tag_offers_a_box(live_url: str, phone: Any, tag: str) -> None:
    wrong = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    response = phone.goto(f"{live_url}/t/{wrong}")
    assert response is not None and response.status == 404
    assert "未找到" in phone.content()
    _fits(phone)
    phone.fill("#f-tag", display(tag).lower())
    phone.click("form.tag-lookup button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url == f"{live_url}/t/{tag}"
    assert phone.locator("main").get_attribute("data-registered") == "true"
