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
