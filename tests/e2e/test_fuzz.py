"""The API under schemathesis with every check, as a client sees it: gunicorn on the demo data.

The same command as by hand (`schemathesis run <base>/api/v1/openapi.json --checks all
--exclude-checks use_after_free`, the project's schemathesis.toml), bounded to a few examples
per operation and deterministic, so that it fits the suite and fails the same way twice.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import ROOT
from tests.e2e.conftest import serve
from tests.helpers import real_clock_env

EXAMPLES = "5"


def test_the_api_is_clean_under_every_check(tmp_path_factory: pytest.TempPathFactory) -> None:
    with serve(tmp_path_factory.mktemp("fuzz"), demo=True) as server:
        resp = requests.post(
            f"{server.url}/api/v1/auth/token",
            json={"email": server.emails["regulator"], "password": PASSWORD},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        cmd = [
            str(Path(sys.executable).parent / "schemathesis"),
            *("run", f"{server.url}/api/v1/openapi.json"),
            *("--checks", "all", "--exclude-checks", "use_after_free"),
            *("-H", f"Authorization: Bearer {resp.json()['token']}"),
            # Issuing and revoking tokens under a fuzzer would end its own session.
            *("--exclude-path-regex", "token"),
            *("-n", EXAMPLES, "--generation-deterministic", "--no-color"),
        ]
        run = subprocess.run(
            cmd, cwd=ROOT, env=real_clock_env(), capture_output=True, text=True, timeout=600
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout.split("SUMMARY")[-1]
