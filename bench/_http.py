"""Shared by the HTTP benches: gunicorn in a subprocess and a threaded keep-alive load generator."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from typing import Any

WORKERS = 2
THREADS = 4


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """Serve app_spec (module:app) with gunicorn; yield its port; stop it afterwards."""
    port = free_port()
    bin_dir = os.path.dirname(sys.executable)
    log = tempfile.TemporaryFile()
    cmd = [os.path.join(bin_dir, "gunicorn"), "--no-control-socket", "-b", f"127.0.0.1:{port}"]
    cmd += ["-w", str(WORKERS)]
    cmd += ["-k", "gthread", "--threads", str(THREADS), "--keep-alive", "30", app_spec]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    full_env = {**os.environ, "PYTHONPATH": root, **(env or {})}
    proc = subprocess.Popen(cmd, env=full_env, stdout=log, stderr=log, cwd=root)
    try:
        _wait_listening(port, proc, log)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise AssertionError(f"gunicorn exited: {log.read()[-2000:].decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@dataclass
class LoadResult:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


def load(
    port: int, make_request: Callable[[int, int], Request], *, clients: int, seconds: float
) -> LoadResult:
    """Send requests from `clients` threads (one keep-alive connection each) for `seconds`."""
    result = LoadResult()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = 0
        while time.monotonic() < stop:
            method, path, body, headers = make_request(n, i)
            i += 1
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            ms = (time.perf_counter() - start) * 1000
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.latencies_ms.append(ms)
                if status == 0 or status >= 400:
                    result.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - began
    return result


def session_cookie(app: Any, user_id: int) -> str:
    """A signed session cookie logging user_id in (the workers share the SECRET_KEY)."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return f"{cookie.key}={cookie.value}"
