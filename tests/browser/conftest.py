"""A live server for browser tests: the app on 127.0.0.1 in a thread, on the committed database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from registry import create_app
from tests.conftest import make_config
from tests.helpers import need_tool
from tests.helpers import real_clock_env

PHONE = {"width": 360, "height": 740}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    url: str
    app: Flask
    # (method, path, status, bytes) of every request that reached the server
    log: list[tuple[str, str, int, int]] = field(default_factory=list)


class _Recorder:
    """WSGI middleware that notes each request and the size of its answer."""

    def __init__(self, wsgi: Any, log: list[tuple[str, str, int, int]]):
        self.wsgi, self.log = wsgi, log

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        status: list[int] = [0]

        def start(code: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = int(code.split()[0])
            return start_response(code, headers, exc_info)

        body = b"".join(self.wsgi(environ, start))
        self.log.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], status[0], len(body)))
        return [body]


@pytest.fixture
def live_server(
    app: Flask, committed_db: Any, db_location: tuple[Path, str, str | None]
) -> Iterator[LiveServer]:
    """Serve a second app (CSRF on, as in production) on the test database in a thread."""
    tmp, url, schema = db_location
    live = create_app(
        make_config(tmp, url, schema, WTF_CSRF_ENABLED=True, UPLOAD_DIR=app.config["UPLOAD_DIR"])
    )
    log: list[tuple[str, str, int, int]] = []
    live.wsgi_app = _Recorder(live.wsgi_app, log)  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=live, log=log)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with live.app_context():
            from registry.extensions import db

            db.engine.dispose()


@pytest.fixture
def live_url(app: Flask, committed_db: Any) -> Iterator[str]:
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
        instance = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, env=real_clock_env()
        )
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
