"""Browser fixtures: the app served for real, and Chromium driven by Playwright.

`live_server` serves the session's app (on the `committed_db` database: rows are committed,
so the server's threads see them; every table is emptied afterwards) with Werkzeug on
127.0.0.1 and a free port, and yields its base URL. `browser` is one headless Chromium for
the whole run; `phone` is a fresh 360x740 page that collects console errors in
`page.console_errors` (CSP violations land there too).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.helpers import need_tool

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def live_server(app: Flask, committed_db: Any) -> Iterator[str]:
    """Serve the app on a free local port for the duration of a test; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's /usr/bin/chromium) for the whole run."""
    executable = need_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized page (360x740, touch) recording console errors."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.console_errors = []

    def on_console(msg: Any) -> None:
        # A page answered 422 or 409 (a rejected form) is logged as a failed load of the
        # document itself; that is the app working. Failed sub-resources still count.
        document = msg.location.get("url") == page.url
        if msg.type == "error" and not (document and "Failed to load resource" in msg.text):
            page.console_errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()


def log_in(page: Any, base_url: str, email: str, password: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]
