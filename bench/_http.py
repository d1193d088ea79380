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
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck in a request: do not hide why
            proc.kill()
            proc.wait()
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
    # One page as a browser's first after logging in: it adds what a session then holds (the
    # CSRF token), so that wrk, which sends this cookie unchanged, measures pages that do not
    # rewrite the session on every request, as a browser's later requests do not.
    assert client.get("/account").status_code == 200
    with client.session_transaction() as sess:
        assert "csrf_token" in sess, dict(sess)
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return f"{cookie.key}={cookie.value}"


@dataclass
class WrkResult:
    per_second: float
    p50_ms: float
    p99_ms: float
    bad: int  # non-2xx/3xx answers and socket errors


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_SCRIPT = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _ms(text: str) -> float:
    for unit in ("us", "ms", "s"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * _UNITS[unit]
    raise ValueError(text)


def wrk(
    port: int, paths: list[str], headers: dict[str, str], *, seconds: float, connections: int = 16
) -> WrkResult:
    """Load the server with wrk (C, 2 threads: it takes little of the CPU the server needs),
    rotating over `paths`; return requests/s, p50, p99 and the count of bad answers."""
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_SCRIPT % quoted)
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    cmd += ["--latency", "--timeout", "10s"]
    cmd += ["-s", script.name]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    found: dict[str, float] = {"bad": 0.0}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            found["rps"] = float(words[1])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            found[words[0]] = _ms(words[1])
        elif line.strip().startswith(("Non-2xx", "Socket errors")):
            found["bad"] += sum(int(w.strip(",")) for w in words if w.strip(",").isdigit())
    return WrkResult(found["rps"], found["50%"], found["99%"], int(found["bad"]))
