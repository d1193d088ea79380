"""A plain wheel install is complete: templates, static files, catalogs, migrations, rule packs,
and a working `ust-registry` command, run from outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

_SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "instance",
    "*.db",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "node_modules",
)


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build the wheel from a copy of the source tree, with one extra rule pack in it."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_SKIP)
    rules = src / "registry" / "compliance" / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    (rules / "zz-packaging-probe.toml").write_text('name = "probe"\n')
    out = tmp / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        cwd=tmp,
    )
    (found,) = out.glob("ust_registry-*.whl")
    yield found


def test_wheel_carries_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    def expect(path: str) -> None:
        assert path in names, f"{path} missing from the wheel"

    for template in (ROOT / "templates").rglob("*"):
        if template.is_file():
            expect("registry/templates/" + template.relative_to(ROOT / "templates").as_posix())
    for static in (ROOT / "static").rglob("*"):
        if static.is_file():
            expect("registry/static/" + static.relative_to(ROOT / "static").as_posix())
    for locale in ("zh", "en"):
        expect(f"registry/translations/{locale}/LC_MESSAGES/messages.mo")
    for migration in (ROOT / "registry" / "migrations").rglob("*"):
        if migration.is_file() and "__pycache__" not in migration.parts:
            expect("registry/" + migration.relative_to(ROOT / "registry").as_posix())
    expect("registry/compliance/rules/zz-packaging-probe.toml")
    for pack in (ROOT / "registry" / "compliance" / "rules").glob("*.toml"):
        expect(f"registry/compliance/rules/{pack.name}")
    assert not any(n.startswith("tests/") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "ust-registry = registry.cli:main" in entry_points


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ]
    )
    return target


def _env(installed: Path, work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DATABASE_URL", "INSTANCE_PATH", "FLASK_APP")
    }
    env.update(
        PYTHONPATH=str(installed),
        INSTANCE_PATH=str(work / "instance"),
        DATABASE_URL=f"sqlite:///{work / 'registry.db'}",
        SECRET_KEY="packaging-test",
    )
    return env


def test_console_script_and_app_work_from_the_install(installed: Path, tmp_path: Path) -> None:
    env = _env(installed, tmp_path)
    script = installed / "bin" / "ust-registry"
    help_text = _run([str(script), "--help"], env=env, cwd=tmp_path).stdout
    for command in ("db", "demo", "users", "run"):
        assert command in help_text
    _run([str(script), "db", "upgrade"], env=env, cwd=tmp_path)
    demo = _run([str(script), "demo"], env=env, cwd=tmp_path).stdout
    assert "regulator@demo.local" in demo

    probe = textwrap.dedent(
        """
        import sys, registry
        from registry import create_app
        assert registry.__file__.startswith(sys.argv[1]), registry.__file__
        app = create_app()
        client = app.test_client()
        r = client.get("/login", headers={"Accept-Language": "zh-CN"})
        assert r.status_code == 200, r.status_code
        html = r.get_data(as_text=True)
        assert "登录" in html and "埋地储罐" in html, html[:300]
        assert client.get("/static/css/app.css").status_code == 200
        import re
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        r = client.post("/login", data={"email": "regulator@demo.local",
                                        "password": "regulator-demo", "csrf_token": token})
        assert r.status_code == 302, r.status_code
        assert client.get("/assets").status_code == 200
        print("ok", registry.__file__)
        """
    )
    out = _run([sys.executable, "-c", probe, str(installed)], env=env, cwd=tmp_path).stdout
    assert out.startswith("ok " + str(installed))
