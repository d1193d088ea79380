"""Field mode in Chromium at phone size: prepare the phone, go offline, open tags never seen,
inspect one with a photo, reload offline, come back online: one inspection and one photo."""

from __future__ import annotations

import io
import time
from datetime import date
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.tags import display
from registry.extensions import db as _db
from registry.inspections.models import Inspection
from registry.inspections.models import Photo
from tests.browser.a11y import assert_accessible

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
PASSWORD = "field-pass-1"


def make_site(*, tanks: int = 4) -> dict[str, Any]:
    """Two organizations with tanks, an inspector and an operator of the first; committed."""
    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    orgs, assets = [], []
    for n, code in enumerate(("91110101B0WXER012", "91110101B0WXER013")):
        org = create_organization({"name": f"外业测试公司{n}", "credit_code": complete(code)})
        facility = create_facility(
            {"organization_id": org.id, "name": f"外业站{n}", "kind": "gas_station"}, by=None
        )
        for i in range(tanks):
            asset = create_asset(
                {
                    "facility_id": facility.id,
                    "kind": "tank",
                    "operator_ref": f"T{n}{i}",
                    "substance": "gasoline",
                    "installed_on": date(2020, 1, 1),
                    "wall": "double",
                    "anti_seepage": "double_wall",
                    "leak_detection": ["interstitial"],
                    "capacity_litres": 30000.0,
                },
                by=None,
            )
            assets.append(asset)
        orgs.append(org)
    create_user(email="field@example.cn", password=PASSWORD, role="inspector", name="Field")
    create_user(email="op@example.cn", password=PASSWORD, role="operator", organization=orgs[0])
    _db.session.commit()
    return {
        "tags": [a.tag for a in assets],
        "ids": [a.id for a in assets],
        "orgs": [o.id for o in orgs],
        "tanks": tanks,
    }


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    return {**make_site(), "server": live_server}


def log_in(page: Any, url: str, email: str) -> None:
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url


def prepare(page: Any, url: str) -> None:
    """Open the scan page, press "prepare", wait for the ready mark."""
    page.goto(url + "/scan")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)", timeout=20000)
    page.click('[data-action="prepare-offline"]')
    page.wait_for_selector('[data-offline-ready="true"]', timeout=60000)


def jpeg() -> dict[str, Any]:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 60, 30)).save(out, format="JPEG")
    return {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def counts(asset_id: int) -> tuple[int, int]:
    _db.session.remove()
    inspections = _db.session.scalar(
        select(func.count()).select_from(Inspection).where(Inspection.asset_id == asset_id)
    )
    photos = _db.session.scalar(
        select(func.count())
        .select_from(Photo)
        .join(Inspection, Inspection.id == Photo.inspection_id)
        .where(Inspection.asset_id == asset_id)
    )
    return inspections, photos


def arrived(asset_id: int, expected: tuple[int, int], seconds: float = 30) -> None:
    """Wait until the server holds the expected inspections and photos of the asset."""
    deadline = time.monotonic() + seconds
    while counts(asset_id) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert counts(asset_id) == expected


def waiting(page: Any, n: int, timeout: float = 30000) -> None:
    page.wait_for_function(
        "n => { const s = document.querySelector('#queue-status');"
        " return s && s.dataset.waitingInspections === String(n); }",
        arg=n,
        timeout=timeout,
    )


def test_prepare_offline_open_unseen_tags_and_sync_once(browser: Any, site: dict) -> None:
    url = site["server"].url
    context = browser.new_context(viewport=PHONE, locale="en-US", has_touch=True, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, url, "field@example.cn")
    prepare(page, url)
    state = page.locator("#field-state")
    assert state.get_attribute("data-carried") == str(2 * site["tanks"])
    assert "Ready to work offline" in state.inner_text()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    # Installable: Chromium's own check of the manifest and the worker finds nothing missing
    # (but that a test's browser context is an incognito one, where nothing installs).
    cdp = context.new_cdp_session(page)
    errors_ = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors_ if e["errorId"] != "in-incognito"] == []
    manifest = page.request.get(url + "/manifest.webmanifest").json()
    assert manifest["start_url"] == "/scan"
    visited = {path for _, path, _, _ in site["server"].log}
    context.set_offline(True)
    # Three tags never opened online, one of them typed the way a person might.
    for n, typed in enumerate(
        [site["tags"][0], display(site["tags"][1]).lower(), site["tags"][site["tanks"]]]
    ):
        assert f"/t/{typed}" not in visited
        page.goto(f"{url}/t/{typed}")
        main = page.locator("main")
        main.wait_for(state="attached")
        page.wait_for_selector("main[data-page=tag-landing]", timeout=10000)
        tag = [site["tags"][0], site["tags"][1], site["tags"][site["tanks"]]][n]
        assert main.get_attribute("data-tag") == tag
        assert main.get_attribute("data-red-tagged") == "false"
        assert display(tag) in page.inner_text("main")
        assert "Carried data of" in page.inner_text("main")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    # Inspect the last one, with a photo, offline.
    asset_id = site["ids"][site["tanks"]]
    page.click("main .landing-actions a.primary")
    page.wait_for_selector("main[data-page=inspect] #inspect-form [data-item]", timeout=10000)
    assert page.url.endswith(f"/assets/{asset_id}/inspect")
    for radio in page.locator('input[type=radio][value="yes"]').all():
        radio.check()
    for number in page.locator("input[type=number][required]").all():
        number.fill(number.get_attribute("max") or "1")
    page.set_input_files("#f-photos", [jpeg()])
    page.click("button[type=submit].big")
    waiting(page, 1)
    assert_accessible(page)
    page.reload()  # offline still: the carried form again, and the queue
    page.wait_for_selector("main[data-page=inspect]", timeout=10000)
    waiting(page, 1)
    assert counts(asset_id) == (0, 0)
    context.set_offline(False)
    waiting(page, 0, timeout=60000)
    assert counts(asset_id) == (1, 1)
    page.reload()
    page.wait_for_timeout(1500)  # a second page load sends nothing again
    assert counts(asset_id) == (1, 1)
    assert not errors, errors
    context.close()


def test_an_uncarried_tag_says_so_offline(browser: Any, site: dict) -> None:
    url = site["server"].url
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    log_in(page, url, "op@example.cn")
    prepare(page, url)
    # An operator carries its own organization's tanks only.
    assert page.locator("#field-state").get_attribute("data-carried") == str(site["tanks"])
    context.set_offline(True)
    page.goto(f"{url}/t/{site['tags'][0]}")
    page.wait_for_selector("main[data-page=tag-landing]", timeout=10000)
    other = site["tags"][site["tanks"]]
    page.goto(f"{url}/t/{other}")
    page.wait_for_selector("#field-shell[data-carried=false]", timeout=10000)
    assert "not on this phone" in page.inner_text("main")
    context.close()


CARRIED_JS = """async () => {
  const dbs = (await indexedDB.databases()).map(d => d.name);
  const cache = await caches.open('ust-shell-v3');
  const pages = (await cache.keys()).map(r => new URL(r.url).pathname)
    .filter(p => !p.startsWith('/static/') && p !== '/manifest.webmanifest');
  let carried = 0;
  if (dbs.includes('ust-field')) {
    carried = await new Promise(resolve => {
      const req = indexedDB.open('ust-field');
      req.onsuccess = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains('assets')) { db.close(); resolve(0); return; }
        const c = db.transaction('assets').objectStore('assets').count();
        c.onsuccess = () => { db.close(); resolve(c.result); };
      };
    });
  }
  const queued = await new Promise(resolve => {
    const req = indexedDB.open('ust-inspections', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('queue', {keyPath: 'client_uuid'});
    req.onsuccess = () => {
      const c = req.result.transaction('queue').objectStore('queue').count();
      c.onsuccess = () => { req.result.close(); resolve(c.result); };
    };
  });
  return {carried, pages, queued};
}"""


def test_logout_clears_what_is_carried_and_keeps_unsent_inspections(
    browser: Any, site: dict
) -> None:
    url = site["server"].url
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    log_in(page, url, "field@example.cn")
    prepare(page, url)
    asset_id = site["ids"][1]
    context.set_offline(True)
    page.goto(f"{url}/assets/{asset_id}/inspect")
    page.wait_for_selector("main[data-page=inspect] #inspect-form [data-item]", timeout=10000)
    for radio in page.locator('input[type=radio][value="yes"]').all():
        radio.check()
    for number in page.locator("input[type=number][required]").all():
        number.fill(number.get_attribute("max") or "1")
    page.click("button[type=submit].big")
    waiting(page, 1)
    # Back online, but the server does not take inspections yet: one stays unsent.
    page.route("**/api/v1/inspections", lambda route: route.abort())
    context.set_offline(False)
    page.goto(url + "/scan")
    before = page.evaluate(CARRIED_JS)
    assert before["carried"] == 2 * site["tanks"] and "/field/shell" in before["pages"]
    page.evaluate("document.querySelector('form[action=\"/logout\"]').requestSubmit()")
    page.wait_for_selector("main[data-page=logout-warning]", timeout=10000)
    waiting(page, 1)
    assert_accessible(page)
    page.click('[data-action="logout-anyway"]')
    page.wait_for_url("**/login**", timeout=10000)
    after = page.evaluate(CARRIED_JS)
    assert after == {"carried": 0, "pages": [], "queued": 1}, after
    # The same inspector logs in again: the inspection is sent, once.
    page.unroute("**/api/v1/inspections")
    log_in(page, url, "field@example.cn")
    page.goto(url + "/scan")
    # The page says 0 waiting until it has read the queue: wait for the server to have it.
    arrived(asset_id, (1, 0))
    waiting(page, 0, timeout=30000)
    time.sleep(1)  # a second send would land now
    assert counts(asset_id) == (1, 0)
    assert page.locator("#field-state").get_attribute("data-offline-ready") == "false"
    context.close()


def test_another_inspector_does_not_send_what_waits(browser: Any, site: dict) -> None:
    """A shared phone: what one inspector left unsent waits for that inspector."""
    from registry.auth.services import create_user

    create_user(email="second@example.cn", password=PASSWORD, role="inspector")
    _db.session.commit()
    url = site["server"].url
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    log_in(page, url, "field@example.cn")
    page.route("**/api/v1/inspections", lambda route: route.abort())
    page.goto(f"{url}/assets/{site['ids'][0]}/inspect")
    for radio in page.locator('input[type=radio][value="yes"]').all():
        radio.check()
    for number in page.locator("input[type=number][required]").all():
        number.fill(number.get_attribute("max") or "1")
    page.click("button[type=submit].big")
    waiting(page, 1)
    page.evaluate("document.querySelector('form[action=\"/logout\"]').requestSubmit()")
    page.wait_for_load_state()
    if "/field/logout" in page.url:
        page.click('[data-action="logout-anyway"]')
    page.wait_for_url("**/login**", timeout=10000)
    page.unroute("**/api/v1/inspections")
    log_in(page, url, "second@example.cn")
    page.goto(url + "/scan")
    waiting(page, 0)
    page.wait_for_timeout(1500)
    assert counts(site["ids"][0]) == (0, 0)
    assert page.evaluate(CARRIED_JS)["queued"] == 1
    context.close()
