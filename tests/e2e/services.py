"""Real services for the several-servers tests: Redis and an S3 stand-in, each on a free port.

Redis is Debian's `redis-server` (keeping nothing on disk); the S3 stand-in is moto's server
mode (`moto_server`, from the test extras), which speaks the S3 protocol over HTTP as MinIO or
AWS would. Both are started by the tests themselves and stopped after them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest

from tests.helpers import need
from tests.helpers import real_clock_env

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"service exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"service did not listen on {port} within {STARTUP_SECONDS} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """Run redis-server on a free port; yield its redis:// URL."""
    binary = shutil.which("redis-server")
    need(binary is not None, "redis-server is not installed (Debian: redis-server)")
    assert binary is not None
    port = free_port()
    log = tmp / "redis.log"
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with log.open("wb") as out:
        # Without libfaketime (CI's third pass runs 400 days ahead): redis-server does not start
        # under it; its counters only need relative time (the limits send their own timestamps).
        proc = subprocess.Popen(
            cmd, cwd=tmp, env=real_clock_env(), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_port(proc, port, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)


S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "e2e-access",
    "AWS_SECRET_ACCESS_KEY": "e2e-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def s3_server(tmp: Path) -> Iterator[tuple[str, str]]:
    """Run moto's S3 server on a free port with a new bucket; yield (endpoint, STORAGE_URL)."""
    binary = Path(sys.executable).with_name("moto_server")
    need(binary.exists(), "moto_server is not installed (pip install -e '.[test]')")
    port = free_port()
    log = tmp / "moto.log"
    env = {**os.environ, **S3_CREDENTIALS}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(port)],
            cwd=tmp,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(proc, port, log)
        endpoint = f"http://127.0.0.1:{port}"
        bucket = f"ust-e2e-{uuid.uuid4().hex[:8]}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        yield endpoint, f"s3://{bucket}/files?endpoint_url={endpoint}"
    finally:
        _stop(proc)


def s3_client(endpoint: str) -> object:
    """A boto3 client of the stand-in, to look behind the app's back."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
    )
