"""Several app servers behind one address: two gunicorn instances on one PostgreSQL database,
sharing Redis (rate limits) and an S3-compatible store (files), as "Deployment at scale" says.

A photo sent through one instance is served by the other, a rate limit counts requests to
both, `reminders --send` started on both at once mails each digest once, and certificates
issued concurrently through both are numbered without gaps.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from tests.e2e.api import asset
from tests.e2e.api import created
from tests.e2e.api import facility
from tests.e2e.api import jpeg
from tests.e2e.api import passing
from tests.e2e.conftest import CLI
from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import ROOT
from tests.e2e.conftest import Server
from tests.e2e.conftest import serve
from tests.e2e.services import S3_CREDENTIALS
from tests.e2e.services import redis_server
from tests.e2e.services import s3_client
from tests.e2e.services import s3_server
from tests.helpers import need
from tests.smtp_server import AnyPortController
from tests.smtp_server import Inbox

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MISS_LIMIT = 6


def _postgres() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        need(False, f"PostgreSQL is not reachable at {url}: {exc}")
    return url


class Cluster:
    """Two instances, the services behind them, and the mail they send."""

    def __init__(self, server: Server, endpoint: str, inbox: Inbox) -> None:
        self.server, self.endpoint, self.inbox = server, endpoint, inbox
        self.a, self.b = server.urls

    def token(self, role: str) -> dict[str, str]:
        resp = requests.post(
            f"{self.a}/api/v1/auth/token",
            json={"email": self.server.emails[role], "password": PASSWORD},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        return {"Authorization": f"Bearer {resp.json()['token']}"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """PostgreSQL, Redis, an S3 stand-in, an SMTP server, and two gunicorn instances."""
    tmp = tmp_path_factory.mktemp("scale")
    database = _postgres()
    inbox = Inbox()
    smtp = AnyPortController(inbox, hostname="127.0.0.1", port=0)
    smtp.start()
    try:
        with redis_server(tmp) as redis_url, s3_server(tmp) as (endpoint, storage_url):
            settings = {
                **S3_CREDENTIALS,
                "STORAGE_URL": storage_url,
                "RATELIMIT_STORAGE_URI": redis_url,
                "TAG_MISS_RATE_LIMIT": f"{MISS_LIMIT} per 10 minutes",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.port),
            }
            with serve(tmp, demo=True, instances=2, database=database, settings=settings) as srv:
                yield Cluster(srv, endpoint, inbox)
    finally:
        smtp.stop()


def test_both_instances_report_their_services(cluster: Cluster) -> None:
    for url in (cluster.a, cluster.b):
        resp = requests.get(f"{url}/healthz", timeout=30)
        assert resp.status_code == 200, resp.text
        assert resp.json() == {
            "status": "ok",
            "database": "ok",
            "ratelimit": "ok",
            "storage": "ok",
            "ratelimit_backend": "redis",
            "storage_backend": "s3",
        }


def test_a_photo_sent_to_one_instance_is_served_by_the_other(cluster: Cluster) -> None:
    inspector, operator = cluster.token("inspector"), cluster.token("operator")
    org = cluster.server.organizations["a"]
    fac = created(
        requests.post(
            f"{cluster.a}/api/v1/facilities",
            json=facility("两实例站", org),
            headers=operator,
            timeout=60,
        )
    )
    tank = created(
        requests.post(
            f"{cluster.a}/api/v1/assets",
            json=asset(fac["id"], "tank", "S1"),
            headers=operator,
            timeout=60,
        )
    )
    server_a = Server(url=cluster.a, log=cluster.server.log)
    body = passing(server_a, inspector, tank["id"])
    inspection = created(
        requests.post(f"{cluster.a}/api/v1/inspections", json=body, headers=inspector, timeout=60)
    )
    raw = jpeg()
    photo = created(
        requests.post(
            f"{cluster.a}/api/v1/inspections/{inspection['id']}/photos",
            files={"file": ("tank.jpg", raw, "image/jpeg")},
            headers=inspector,
            timeout=60,
        )
    )
    shown = requests.get(f"{cluster.b}{photo['url']}", headers=inspector, timeout=30)
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["Cache-Control"] == "private, max-age=3600"
    # The file is in the bucket (under the URL's prefix), not on either server's disk.
    listing = s3_client(cluster.endpoint).list_objects_v2(  # type: ignore[attr-defined]
        Bucket=cluster.server.env["STORAGE_URL"].split("/")[2]
    )
    keys = [o["Key"] for o in listing.get("Contents", [])]
    assert any(k.startswith(f"files/inspections/{inspection['id']}/") for k in keys), keys
    stored = [k for k in keys if k.startswith(f"files/inspections/{inspection['id']}/")]
    body_s3 = (
        s3_client(cluster.endpoint)
        .get_object(  # type: ignore[attr-defined]
            Bucket=cluster.server.env["STORAGE_URL"].split("/")[2], Key=stored[0]
        )["Body"]
        .read()
    )
    assert body_s3 == shown.content
    uploads = Path(cluster.server.env["UPLOAD_DIR"])
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_a_rate_limit_counts_requests_to_both_instances(cluster: Cluster) -> None:
    statuses = [
        requests.get(f"{(cluster.a, cluster.b)[n % 2]}/t/NOSUCHTAG{n:03d}", timeout=30).status_code
        for n in range(MISS_LIMIT + 2)
    ]
    # Four worker processes in all: with per-process counters each would allow six.
    assert statuses == [404] * MISS_LIMIT + [429, 429]


def test_reminders_sent_from_both_instances_at_once_mail_each_digest_once(
    cluster: Cluster,
) -> None:
    env = cluster.server.env
    runs = [
        subprocess.Popen(
            [*CLI, "reminders", "--send"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = list(cluster.inbox.messages)
    assert sent, outputs  # the demo organizations have overdue items
    pairs = [(tuple(to), msg["Subject"]) for to, msg in sent]
    assert len(pairs) == len(set(pairs)), pairs
    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        logged = conn.execute(sa.text("SELECT recipients FROM digest_log")).scalars().all()
    engine.dispose()
    # One message per recipient of each digest logged, and no recipient mailed a digest twice.
    expected = sorted(address for row in logged for address in row)
    assert sorted(address for to, _ in sent for address in to) == expected
    again = subprocess.run(
        [*CLI, "reminders", "--send"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(cluster.inbox.messages) == len(sent)


def test_certificates_issued_through_both_at_once_are_numbered_without_gaps(
    cluster: Cluster,
) -> None:
    inspector, operator = cluster.token("inspector"), cluster.token("operator")
    org = cluster.server.organizations["a"]
    fac = created(
        requests.post(
            f"{cluster.a}/api/v1/facilities",
            json=facility("并发发证站", org),
            headers=operator,
            timeout=60,
        )
    )
    server_a = Server(url=cluster.a, log=cluster.server.log)
    inspections = []
    for n in range(8):
        tank = created(
            requests.post(
                f"{cluster.a}/api/v1/assets",
                json=asset(fac["id"], "tank", f"C{n}"),
                headers=operator,
                timeout=60,
            )
        )
        body = passing(server_a, inspector, tank["id"])
        inspections.append(
            created(
                requests.post(
                    f"{cluster.a}/api/v1/inspections", json=body, headers=inspector, timeout=60
                )
            )
        )

    def issue(n: int) -> Any:
        url = f"{(cluster.a, cluster.b)[n % 2]}/api/v1/certificates"
        body = {"inspection_id": inspections[n]["id"]}
        return requests.post(url, json=body, headers=inspector, timeout=120)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(issue, range(8)))
    assert [a.status_code for a in answers] == [201] * 8, [a.text for a in answers]
    serials = sorted(int(a.json()["number"].rsplit("-", 1)[1]) for a in answers)
    assert serials == list(range(serials[0], serials[0] + 8)), serials
