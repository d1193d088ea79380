"""The files of deploy/ agree with the app: the example settings load, the compose file runs two
instances on shared services, and the units start what the README says."""

from __future__ import annotations

from pathlib import Path

import yaml

from registry.config import load_settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_the_example_settings_load(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, _env_example())
    assert settings["STORAGE_URL"].startswith("s3://")
    assert settings["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert settings["PROXY_FIX"] == 1 and settings["SESSION_COOKIE_SECURE"] is True


def test_compose_runs_two_instances_on_shared_services() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "redis", "minio", "app1", "app2", "nginx"} <= set(services)
    for name in ("app1", "app2"):
        env = services[name]["environment"]
        assert (
            env["STORAGE_URL"].startswith("s3://")
            and "endpoint_url=http://minio" in env["STORAGE_URL"]
        )
        assert env["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["app1"]["environment"] == services["app2"]["environment"]
    upstream = (DEPLOY / "nginx-compose.conf").read_text()
    assert "server app1:8000;" in upstream and "server app2:8000;" in upstream


def test_units_start_gunicorn_and_the_digest_run() -> None:
    unit = (DEPLOY / "ust-registry.service").read_text()
    assert "gunicorn" in unit and "'registry:create_app()'" in unit
    assert "ExecStartPre=/opt/ust/bin/ust-registry db upgrade" in unit
    job = (DEPLOY / "ust-reminders.service").read_text()
    assert "ExecStart=/opt/ust/bin/ust-registry reminders --send" in job
    site = (DEPLOY / "nginx-ust-registry.conf").read_text()
    assert "client_max_body_size 12m;" in site and "ssl_certificate" in site
    proxy = (DEPLOY / "ust-proxy.conf").read_text()
    assert "X-Forwarded-Proto" in proxy and "proxy_buffering off;" in proxy
