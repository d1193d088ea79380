"""Helpers shared by the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest

IN_CI = bool(os.environ.get("CI"))


def need(condition: bool, reason: str) -> None:
    """Skip when a tool or service is missing, but fail in CI, where everything must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def need_tool(name: str) -> str:
    """Return the path of a command-line tool, skipping (failing in CI) when it is missing."""
    path = shutil.which(name)
    need(path is not None, f"{name} is not installed")
    return str(path)


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output."""
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
