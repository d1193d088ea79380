"""The scan page reads a label's QR code from the camera: Chromium's fake camera plays a video
made of the label's own QR image (YUV4MPEG2 frames written with Pillow)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.test_field_offline import PHONE
from tests.browser.test_field_offline import log_in
from tests.browser.test_field_offline import make_site
from tests.helpers import need_tool
from tests.helpers import real_clock_env

pytestmark = pytest.mark.browser
SIZE = (640, 480)


def write_y4m(path: Path, code: Image.Image, frames: int = 10) -> Path:
    """Write a still video (4:2:0) of the QR image on white, the code 360 px wide."""
    picture = Image.new("RGB", SIZE, "white")
    side = 360
    picture.paste(
        code.convert("RGB").resize((side, side), Image.Resampling.NEAREST),
        ((SIZE[0] - side) // 2, (SIZE[1] - side) // 2),
    )
    y, cb, cr = picture.convert("YCbCr").split()
    half = (SIZE[0] // 2, SIZE[1] // 2)
    frame = (
        b"FRAME\n"
        + y.tobytes()
        + cb.resize(half, Image.Resampling.BILINEAR).tobytes()
        + cr.resize(half, Image.Resampling.BILINEAR).tobytes()
    )
    header = f"YUV4MPEG2 W{SIZE[0]} H{SIZE[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path


def qr_image(text: str) -> Image.Image:
    """A QR code of any text (a foreign code), made as the app makes its own."""
    import qrcode

    image = qrcode.make(text, border=4)
    out = io.BytesIO()
    image.save(out)
    return Image.open(io.BytesIO(out.getvalue()))


def camera_browser(browser: Any, video: Path) -> Any:
    """A second Chromium whose camera plays the video (permission granted without asking)."""
    return browser.browser_type.launch(
        executable_path=need_tool("chromium"),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
        env=real_clock_env(),
    )


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    return {**make_site(tanks=1), "server": live_server}


@pytest.fixture
def label_png(site: dict[str, Any], browser: Any) -> Iterator[bytes]:
    """The PNG of the first tank's label QR code, as the app serves it."""
    context = browser.new_context()
    page = context.new_page()
    log_in(page, site["server"].url, "field@example.cn")
    response = page.request.get(f"{site['server'].url}/assets/{site['ids'][0]}/qr.png")
    assert response.ok
    yield response.body()
    context.close()


def _scan_page(chromium: Any, url: str) -> Any:
    context = chromium.new_context(viewport=PHONE, locale="en-US", has_touch=True, is_mobile=True)
    context.grant_permissions(["camera"], origin=url)
    page = context.new_page()
    log_in(page, url, "field@example.cn")
    page.goto(url + "/scan")
    return page


def test_the_camera_reads_a_label_and_opens_its_tag(
    browser: Any, site: dict[str, Any], label_png: bytes, tmp_path: Path
) -> None:
    url, tag = site["server"].url, site["tags"][0]
    video = write_y4m(tmp_path / "label.y4m", Image.open(io.BytesIO(label_png)))
    chromium = camera_browser(browser, video)
    try:
        page = _scan_page(chromium, url)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        # The decoder is not part of the page: it comes only when the camera starts.
        assert not page.evaluate("!!window.jsQR")
        page.click('[data-action="scan"]')
        page.wait_for_selector("#scan-last:not([hidden])", timeout=20000)
        assert page.locator("#scanner").get_attribute("data-last-tag") == tag
        # Undo: the tag is not opened; scanning goes on and reads it again later.
        page.click('[data-action="undo-scan"]')
        page.wait_for_timeout(1500)
        assert page.url.endswith("/scan")
        page.wait_for_url(f"{url}/t/{tag}", timeout=20000)
        assert page.locator("main").get_attribute("data-tag") == tag
        page.context.close()
    finally:
        chromium.close()


def test_a_foreign_code_is_named_and_ignored(
    browser: Any, site: dict[str, Any], tmp_path: Path
) -> None:
    url = site["server"].url
    video = write_y4m(tmp_path / "foreign.y4m", qr_image("https://example.com/hello"))
    chromium = camera_browser(browser, video)
    try:
        page = _scan_page(chromium, url)
        page.click('[data-action="scan"]')
        page.wait_for_function(
            "() => document.querySelector('#scan-status').textContent.includes('not one of our')",
            timeout=20000,
        )
        page.wait_for_timeout(1000)
        assert page.url.endswith("/scan")
        assert page.locator("#scan-last").is_hidden()
        page.click("#scan-stop")
        assert page.locator('[data-action="scan"]').is_visible()
        page.context.close()
    finally:
        chromium.close()
