"""Run the same request from many threads at once (real commits: use with `committed_db`)."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient


def at_once(
    app: Flask, count: int, send: Callable[[FlaskClient, int], Any], *, timeout: float = 120
) -> list[tuple[int, Any]]:
    """Send `count` requests released together by a barrier; return (status, JSON body) each.

    An exception in a thread is reported as status 599 with its repr, never hidden.
    """
    barrier = threading.Barrier(count)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            resp = send(client, i)
            outcome: tuple[int, Any] = (resp.status_code, resp.get_json(silent=True))
        except Exception as exc:  # noqa: BLE001  (reported to the test, never hidden)
            outcome = (599, f"{exc!r}\n{traceback.format_exc()}")
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert len(results) == count, f"{count - len(results)} thread(s) did not finish"
    return results
