"""A 360 x 740 phone: a compact menu, the page's main action on the first screen, nothing
wider than the screen, checkboxes and radios at their own size, and no serious
accessibility violations (axe-core) on the pages an inspector and an operator open."""

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

BOXES_JS = """
() => Array.from(document.querySelectorAll(
    'main input[type=checkbox], main input[type=radio]'))
  .map(el => { const r = el.getBoundingClientRect(),
                     l = el.closest('label').getBoundingClientRect();
               return {width: r.width, height: r.height, left: r.left - l.left}; })
"""


@pytest.fixture
def demo(committed_db: Any) -> dict[str, Any]:
    with acting_as("demo"):
        load_demo()
        committed_db.session.commit()
    facility = committed_db.session.scalar(select(Facility).order_by(Facility.id))
    asset = committed_db.session.scalar(
        select(Asset).where(Asset.facility_id == facility.id).order_by(Asset.id)
    )
    return {"facility": facility.id, "asset": asset.id, "tag": str(asset.tag)}


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{url}: page is {width}px wide on a 360px screen"
    assert_accessible(page)
    assert not page.console_errors, f"{url}: console errors: {page.console_errors}"


def test_inspector_menu_is_compact_and_inspection_on_first_screen(
    live_url: str, phone: Any, demo: dict[str, Any]
) -> None:
    _open(phone, f"{live_url}/login")
    log_in(phone, live_url, "inspector@demo.local", "inspector-demo")
    _open(phone, f"{live_url}/t/{demo['tag']}")
    header = phone.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] < 120, header
    # The long list of links waits behind "Menu"; the wide bar is not shown on a phone.
    assert phone.locator("header details.menu > summary").is_visible()
    assert not phone.locator("header nav.nav-wide").is_visible()
    assert not phone.locator("details.menu nav a").first.is_visible()
    start = phone.locator(f"main a[href$='/assets/{demo['asset']}/inspect']")
    box = start.bounding_box()
    assert box is not None and box["y"] + box["height"] < 740, box
    # Opening the menu shows every link, over the page, without widening it.
    phone.click("header details.menu > summary")
    links = phone.locator("details.menu nav a")
    assert links.count() >= 5
    assert links.last.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
    phone.click("details.menu nav a[href$='/assets']")
    phone.wait_for_load_state()
    assert phone.url == f"{live_url}/assets"
    for path in ("/", "/assets", "/t/lookup", f"/assets/{demo['asset']}/inspect"):
        _open(phone, live_url + path)


def test_desk_checkboxes_and_radios_are_box_sized(
    live_url: str, phone: Any, demo: dict[str, Any]
) -> None:
    log_in(phone, live_url, "operator@demo.local", "operator-demo")
    for path in (
        f"/facilities/{demo['facility']}/labels",
        f"/assets/{demo['asset']}/records/new",
    ):
        _open(phone, live_url + path)
        boxes = phone.evaluate(BOXES_JS)
        assert boxes, path
        # The mark sits at the start of its label, not stretched across and centred.
        wrong = [b for b in boxes if not (16 <= b["width"] <= 32 and b["left"] < 8)]
        assert not wrong, f"{path}: {wrong}"


def test_wide_screen_shows_the_bar(live_url: str, browser: Any, demo: dict[str, Any]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        log_in(page, live_url, "regulator@demo.local", "regulator-demo")
        assert page.locator("header nav.nav-wide a").first.is_visible()
        assert not page.locator("header details.menu").is_visible()
        assert page.locator("header .session-wide .who").is_visible()
        assert_accessible(page)
    finally:
        context.close()
