"""SIGKILL a real server in the middle of a burst of inspections (or photos): nothing acknowledged
is lost.

A gunicorn process (2 workers × 4 threads) serves the registry on the run's database (a SQLite
file in WAL mode, or a PostgreSQL schema of its own). Client threads post inspections; once
enough have been acknowledged the whole process group is killed with SIGKILL. After a restart
every acknowledged client_uuid must be in the database, and resending every inspection stores
each exactly once: 200 for one already stored, 201 for one that was not.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.extensions import db as _db
from tests.conftest import make_config
from tests.helpers import passing_answers

pytestmark = pytest.mark.slow

THREADS = 6
KILL_AFTER = 25  # acknowledged inspections before the kill
ROOT = Path(__file__).resolve().parents[2]


class Target:
    """Where the server's database is, for the server (URL) and for the test (engine)."""

    def __init__(self, tmp: Path, url: str, schema: str | None) -> None:
        self.tmp, self.url, self.schema = tmp, url, schema
        self.server_url = url
        if schema:
            sep = "&" if "?" in url else "?"
            self.server_url = f"{url}{sep}options=-csearch_path%3D{schema}"

    def app(self) -> Any:
        return create_app(make_config(self.tmp, self.url, self.schema))


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield Target(tmp_path, f"sqlite:///{tmp_path / 'crash.db'}", None)
        return
    schema = f"crash_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Target(tmp_path, url, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _prepare(target: Target) -> tuple[dict[str, Any], str]:
    """Migrate the database; create a tank and an inspector; return (a passing body, token)."""
    from flask_migrate import upgrade

    from registry.assets.services import create_asset
    from registry.auth.services import create_user
    from registry.auth.services import issue_token
    from registry.core.creditcode import complete
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    app = target.app()
    with app.app_context():
        upgrade()
        org = create_organization(
            {"name": "断电公司", "credit_code": complete("91110101555555555")}
        )
        fac = create_facility(
            {"organization_id": org.id, "name": "断电加油站", "kind": "gas_station"}, by=None
        )
        tank = create_asset({"facility_id": fac.id, "kind": "tank", "substance": "diesel"}, by=None)
        inspector = create_user(
            email="crash@example.cn", password="secret-pass-1", role="inspector"
        )
        _db.session.commit()
        answers = passing_answers(tank)
        token = issue_token(inspector, days=1)
        _db.session.commit()
        body = {"asset_id": tank.id, "answers": answers, "result": "pass", "notes": "burst"}
        _db.session.remove()
        _db.engine.dispose()
    return body, token


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(target: Target, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": target.server_url,
        "SECRET_KEY": "crash-test",
        "INSTANCE_PATH": str(target.tmp / "instance"),
        "UPLOAD_DIR": str(target.tmp / "uploads"),
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", "2", "--threads", "4"]
    cmd += ["-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*cmd, "registry:create_app()"],
        env=env,
        cwd=str(target.tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill reaches every worker
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            if _request(port, "GET", "/healthz", None, "")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def _request(port: int, method: str, path: str, body: Any, token: str) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def _burst(port: int, base: dict[str, Any], token: str, proc: Any) -> tuple[list[Any], set[str]]:
    """Post inspections from THREADS threads; SIGKILL the server after KILL_AFTER acks."""
    sent: list[dict[str, Any]] = []
    acked: set[str] = set()
    failures: list[int] = []
    lock, killed = threading.Lock(), threading.Event()

    def worker() -> None:
        while not killed.is_set():
            body = {**base, "client_uuid": str(uuid.uuid4())}
            with lock:
                sent.append(body)
            try:
                status, _ = _request(port, "POST", "/api/v1/inspections", body, token)
            except (OSError, http.client.HTTPException):
                continue  # refused, or cut off mid-answer by the kill: not acknowledged
            with lock:
                if status not in (200, 201):
                    failures.append(status)  # checked by the caller: a thread cannot fail a test
                    continue
                acked.add(body["client_uuid"])
                if len(acked) >= KILL_AFTER and not killed.is_set():
                    killed.set()
                    _kill(proc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, f"answers other than 200/201 before the kill: {failures}"
    return sent, acked


def _stored(target: Target) -> dict[str, int]:
    from registry.inspections.models import Inspection

    app = target.app()
    with app.app_context():
        rows = _db.session.execute(
            sa.select(Inspection.client_uuid, sa.func.count()).group_by(Inspection.client_uuid)
        ).all()
        _db.session.remove()
        _db.engine.dispose()
    return {str(u): n for u, n in rows}


def test_sigkill_mid_burst_loses_nothing_acknowledged(target: Target) -> None:
    base, token = _prepare(target)
    if target.schema is None:
        path = target.url.removeprefix("sqlite:///")
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    port = _free_port()
    proc = _start(target, port)
    try:
        sent, acked = _burst(port, base, token, proc)
    finally:
        if proc.poll() is None:
            _kill(proc)
    assert len(acked) >= KILL_AFTER
    if target.schema is None:  # the file the killed workers were writing is sound
        check = sqlite3.connect(target.url.removeprefix("sqlite:///"))
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check.close()
    assert len(sent) > len(acked)  # some requests were in flight or refused: a real crash

    proc = _start(target, port)  # restart on the same database
    try:
        before = _stored(target)
        assert acked <= set(before), f"lost: {acked - set(before)}"
        assert all(n == 1 for n in before.values())
        for body in sent:  # the client's retry of everything it sent
            status, _ = _request(port, "POST", "/api/v1/inspections", body, token)
            assert status == (200 if body["client_uuid"] in before else 201), status
    finally:
        _kill(proc)
    after = _stored(target)
    print(f"sent {len(sent)}, acknowledged {len(acked)}, stored at restart {len(before)}")
    assert set(after) == {b["client_uuid"] for b in sent}
    assert all(n == 1 for n in after.values())


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _post_photo(port: int, inspection_id: int, data: bytes, token: str) -> int:
    body, ctype = _multipart(data)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": ctype, "Authorization": f"Bearer {token}"}
        conn.request("POST", f"/api/v1/inspections/{inspection_id}/photos", body, headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def _photos(target: Target) -> dict[str, str]:
    """Every stored photo: its sha256 (of the upload) -> its file's path."""
    from registry.inspections.models import Photo

    app = target.app()
    with app.app_context():
        rows = _db.session.execute(sa.select(Photo.sha256, Photo.path)).all()
        _db.session.remove()
        _db.engine.dispose()
    return {digest: str(target.tmp / "uploads" / path) for digest, path in rows}


def test_sigkill_mid_photo_burst_keeps_every_acknowledged_file(target: Target) -> None:
    import hashlib

    from PIL import Image

    base, token = _prepare(target)
    port = _free_port()
    proc = _start(target, port)
    status, raw = _request(
        port, "POST", "/api/v1/inspections", {**base, "client_uuid": str(uuid.uuid4())}, token
    )
    assert status == 201
    inspection_id = json.loads(raw)["id"]
    photos = [_jpeg(i) for i in range(60)]
    acked: set[str] = set()
    lock, killed = threading.Lock(), threading.Event()
    todo = list(enumerate(photos))

    def worker() -> None:
        while not killed.is_set():
            with lock:
                if not todo:
                    return
                _, data = todo.pop()
            try:
                code = _post_photo(port, inspection_id, data, token)
            except (OSError, http.client.HTTPException):
                continue
            with lock:
                if code == 201:
                    acked.add(hashlib.sha256(data).hexdigest())
                if len(acked) >= 12 and not killed.is_set():
                    killed.set()
                    _kill(proc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if proc.poll() is None:
        _kill(proc)
    assert len(acked) >= 12
    stored = _photos(target)
    assert acked <= set(stored)
    for digest in acked:  # the file of every acknowledged photo is whole
        with Image.open(stored[digest]) as img:
            img.load()
    proc = _start(target, port)
    try:
        for data in photos:  # the phone resends everything it holds
            code = _post_photo(port, inspection_id, data, token)
            assert code == (200 if hashlib.sha256(data).hexdigest() in stored else 201)
    finally:
        _kill(proc)
    assert len(_photos(target)) == len(photos)


def _jpeg(i: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), (i * 4 % 256, 90, 200)).save(out, "JPEG")
    return out.getvalue()
