"""The phone inspection form in Chromium: online, offline with a queue, retries, no JavaScript."""

from __future__ import annotations

import io
import json
import time
from datetime import date
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from registry.extensions import db as _db
from registry.inspections.models import Inspection
from registry.inspections.models import Photo
from tests.browser.a11y import assert_accessible

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
PASSWORD = "inspect-pass-1"


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    """An inspector and a double-walled tank, committed."""
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    org = create_organization(
        {"name": "浏览器测试公司", "credit_code": complete("91110101B0WXER012")}
    )
    facility = create_facility(
        {"organization_id": org.id, "name": "测试站", "kind": "gas_station", "status": "active"},
        by=None,
    )
    tank = create_asset(
        {
            "facility_id": facility.id,
            "kind": "tank",
            "substance": "gasoline",
            "installed_on": date(2020, 1, 1),
            "wall": "double",
            "anti_seepage": "double_wall",
            "leak_detection": ["interstitial"],
            "capacity_litres": 30000.0,
        },
        by=None,
    )
    user = create_user(
        email="field@example.cn", password=PASSWORD, role="inspector", name="Field Inspector"
    )
    _db.session.commit()
    return {"tank_id": tank.id, "email": user.email, "server": live_server}


def _context(browser: Any, **kw: Any) -> Any:
    return browser.new_context(viewport=PHONE, locale="en-US", **kw)


def _login(page: Any, site: dict[str, Any], *, check: bool = True) -> None:
    page.goto(site["server"].url + "/login")
    if check:  # axe-core needs the page's scripts on
        assert_accessible(page)
    page.fill("#email", site["email"])
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _jpeg(color: tuple[int, int, int]) -> dict[str, Any]:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), color).save(out, format="JPEG")
    return {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _answer_all(page: Any) -> None:
    for radio in page.locator('input[type=radio][value="yes"]').all():
        radio.check()
    for number in page.locator("input[type=number][required]").all():
        number.fill(number.get_attribute("max") or "1")


def _waiting(page: Any) -> tuple[int, int]:
    status = page.locator("#queue-status")
    return (
        int(status.get_attribute("data-waiting-inspections") or -1),
        int(status.get_attribute("data-waiting-photos") or -1),
    )


def _wait_waiting(page: Any, inspections: int, timeout: float = 30000) -> None:
    page.wait_for_function(
        "n => document.querySelector('#queue-status')"
        " && document.querySelector('#queue-status').dataset.waitingInspections === String(n)",
        arg=inspections,
        timeout=timeout,
    )


def _counts(tank_id: int) -> tuple[int, int]:
    _db.session.remove()
    inspections = _db.session.scalar(
        select(func.count()).select_from(Inspection).where(Inspection.asset_id == tank_id)
    )
    photos = _db.session.scalar(
        select(func.count())
        .select_from(Photo)
        .join(Inspection, Inspection.id == Photo.inspection_id)
        .where(Inspection.asset_id == tank_id)
    )
    return inspections, photos


def _photo_sizes(tank_id: int) -> list[tuple[int, int]]:
    _db.session.remove()
    rows = _db.session.execute(
        select(Photo.width, Photo.height)
        .join(Inspection, Inspection.id == Photo.inspection_id)
        .where(Inspection.asset_id == tank_id)
    )
    return [(w, h) for w, h in rows]


def test_submit_online_then_replay_creates_nothing(browser: Any, site: dict[str, Any]) -> None:
    context = _context(browser)
    page = context.new_page()
    _login(page, site)
    posted: list[str] = []
    page.on(
        "request",
        lambda r: (
            posted.append(r.post_data or "")
            if r.method == "POST" and r.url.endswith("/api/v1/inspections")
            else None
        ),
    )
    page.goto(f"{site['server'].url}/assets/{site['tank_id']}/inspect")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    _answer_all(page)
    page.set_input_files("#f-photos", [_jpeg((200, 30, 30))])
    page.click("button[type=submit].big")
    page.wait_for_url("**/inspections/*", timeout=20000)
    assert page.locator("main").get_attribute("data-result") == "pass"
    assert_accessible(page)
    assert _counts(site["tank_id"]) == (1, 1)
    # The phone scaled the 2400 px photo to at most 1600 px before upload.
    assert max(_photo_sizes(site["tank_id"])[0]) <= 1600
    # The same submission again (a resend after a lost answer) is recognised.
    body = json.loads(posted[0])
    replay = page.evaluate(
        """body => fetch('/api/v1/inspections', {method: 'POST', credentials: 'same-origin',
             headers: {'Content-Type': 'application/json',
                       'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content},
             body: JSON.stringify(body)}).then(r => r.status)""",
        body,
    )
    assert replay == 200
    assert _counts(site["tank_id"]) == (1, 1)
    context.close()


def test_offline_queue_survives_reload_and_syncs(browser: Any, site: dict[str, Any]) -> None:
    context = _context(browser)
    page = context.new_page()
    _login(page, site)
    form_url = f"{site['server'].url}/assets/{site['tank_id']}/inspect"
    page.goto(form_url)
    # Wait until the service worker holds this page, then go offline.
    page.wait_for_function(
        "() => navigator.serviceWorker.ready.then(() => caches.match(location.pathname))"
        ".then(r => !!r)",
        timeout=20000,
    )
    page.reload()
    context.set_offline(True)
    photos = 0
    for n in range(5):
        _answer_all(page)
        page.fill("#f-notes", f"offline {n}")
        files = [_jpeg((40 * n, 100, 150)), _jpeg((40 * n, 200, 50))][: 1 + n % 2]
        photos += len(files)
        page.set_input_files("#f-photos", files)
        # counted in the language's plural forms: "1 photo chosen", "2 photos chosen"
        chosen = "1 photo chosen" if len(files) == 1 else f"{len(files)} photos chosen"
        assert page.locator("#photo-count").inner_text() == chosen
        page.click("button[type=submit].big")
        _wait_waiting(page, n + 1)
        status = page.locator("#queue-status")
        if n == 0:
            assert "Waiting to send: 1 inspection, 1 photo." in status.inner_text()
    assert _waiting(page) == (5, photos)
    assert f"Waiting to send: 5 inspections, {photos} photos." in status.inner_text()
    assert_accessible(page)  # the queue of waiting inspections
    page.reload()  # offline: the service worker answers
    _wait_waiting(page, 5)
    assert_accessible(page)  # the page as the service worker serves it
    assert _waiting(page) == (5, photos)
    assert _counts(site["tank_id"]) == (0, 0)
    context.set_offline(False)
    _wait_waiting(page, 0, timeout=60000)
    assert _counts(site["tank_id"]) == (5, photos)
    context.close()


def test_server_error_is_retried(browser: Any, site: dict[str, Any]) -> None:
    context = _context(browser, service_workers="block")
    page = context.new_page()
    _login(page, site)
    failures: list[int] = []

    def fail_once(route: Any) -> None:
        if route.request.method == "POST" and not failures:
            failures.append(1)
            route.fulfill(status=500, content_type="application/json", body='{"message": "boom"}')
        else:
            route.continue_()

    page.route("**/api/v1/inspections", fail_once)
    page.goto(f"{site['server'].url}/assets/{site['tank_id']}/inspect")
    _answer_all(page)
    page.set_input_files("#f-photos", [_jpeg((10, 20, 30))])
    page.click("button[type=submit].big")
    # The queue shows the inspection as waiting before it is first sent: wait for the refused
    # send itself, not for the counter, or the assertion races the upload.
    deadline = time.monotonic() + 30
    while not failures and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert failures == [1]
    _wait_waiting(page, 0, timeout=30000)
    assert _counts(site["tank_id"]) == (1, 1)
    context.close()


def test_client_error_is_held_with_the_message(browser: Any, site: dict[str, Any]) -> None:
    context = _context(browser, service_workers="block")
    page = context.new_page()
    _login(page, site)
    page.route(
        "**/api/v1/inspections",
        lambda route: route.fulfill(
            status=422, content_type="application/json", body='{"message": "Answer the sump."}'
        ),
    )
    page.goto(f"{site['server'].url}/assets/{site['tank_id']}/inspect")
    _answer_all(page)
    page.click("button[type=submit].big")
    page.wait_for_selector(".held")
    assert "Answer the sump." in page.locator(".held").inner_text()
    assert_accessible(page)  # a held inspection with its message and "send again"
    page.reload()
    page.wait_for_selector(".held")
    assert _waiting(page)[0] == 1
    page.unroute("**/api/v1/inspections")
    page.click(".held button")  # send again
    _wait_waiting(page, 0, timeout=20000)
    assert _counts(site["tank_id"]) == (1, 0)
    context.close()


def test_form_works_without_javascript(browser: Any, site: dict[str, Any]) -> None:
    context = _context(browser, java_script_enabled=False)
    page = context.new_page()
    _login(page, site, check=False)
    page.goto(f"{site['server'].url}/assets/{site['tank_id']}/inspect")
    _answer_all(page)
    page.select_option("#f-fs", "high")
    page.fill("#f-fd", "Manhole cover cracked")
    page.set_input_files("#f-photos", [_jpeg((90, 90, 90))])
    page.click("button[type=submit].big")
    page.wait_for_url("**/inspections/*")
    assert page.locator("main").get_attribute("data-result") == "pass"
    assert "Manhole cover cracked" in page.inner_text("main")
    # axe-core is itself a script: with scripts off it cannot run in this page, so the same
    # server-rendered result page is checked in a context that runs scripts.
    checker = _context(browser).new_page()
    _login(checker, site, check=False)  # checked in the other tests
    checker.goto(page.url)
    assert_accessible(checker)
    checker.context.close()
    assert _counts(site["tank_id"]) == (1, 1)
    context.close()


def test_first_load_is_light(browser: Any, site: dict[str, Any]) -> None:
    context = _context(browser)
    page = context.new_page()
    _login(page, site)
    hosts: list[str] = []
    context.on("request", lambda r: hosts.append(r.url.split("/")[2]))
    log = site["server"].log
    start = len(log)
    page.goto(f"{site['server'].url}/assets/{site['tank_id']}/inspect")
    page.wait_for_function(
        "() => navigator.serviceWorker.ready.then(() => caches.match(location.pathname))"
        ".then(r => !!r)",
        timeout=20000,
    )
    page.wait_for_timeout(1500)
    first_load = log[start:]
    total = sum(size for _, _, _, size in first_load)
    assert total <= 60 * 1024, first_load
    assert len(first_load) <= 10, first_load
    assert set(hosts) == {site["server"].url.split("/")[2]}, hosts
    context.close()
