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


def real_clock_env() -> dict[str, str]:
    """The environment without libfaketime, for the clients a test starts (Chromium, the
    fuzzer). The suite may run with the clock moved ahead (`faketime -f +400d`), which the app
    under test keeps; under libfaketime Chromium did not finish loading a page and schemathesis
    never finished its run."""
    fake = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "DONT_FAKE_MONOTONIC")
    return {k: v for k, v in os.environ.items() if k not in fake}


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output."""
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


def passing_answers(asset: Any) -> list[dict[str, Any]]:
    """A compliant answer to every checklist item of the asset."""
    from registry.inspections.checklists import load_checklist

    answers = []
    for item in load_checklist().for_asset(asset):
        if item.type == "yesno":
            value: Any = "yes"
        elif item.type == "number":
            value = item.max if item.max is not None else (item.min or 1)
        elif item.type == "choice":
            value = item.choices[0].value
        else:
            value = "ok"
        answers.append({"item": item.code, "value": value, "note": None})
    return answers


def read_export(url: str, body: bytes) -> list[dict[str, Any]]:
    """Parse a whole export into {column: value} rows: CSV (with its BOM), XLSX or GeoJSON."""
    import csv
    import io
    import json

    from openpyxl import load_workbook

    path = url.split("?", 1)[0]
    if path.endswith(".csv"):
        assert body.startswith(b"\xef\xbb\xbf"), "a CSV export starts with a UTF-8 BOM"
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    if path.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        header, *lines = list(sheet.iter_rows(values_only=True))
        return [dict(zip(header, line, strict=True)) for line in lines]
    doc = json.loads(body)
    assert doc["type"] == "FeatureCollection"
    return [dict(f["properties"], geometry=f["geometry"]) for f in doc["features"]]


def shown(day: Any, locale: str = "zh") -> str:
    """A date as the pages show it: Babel's medium format of the reader's language."""
    from babel.dates import format_date

    return format_date(day, "medium", locale=locale)


def log_in(client: Any, user: Any) -> None:
    """Log the test client in as `user` (a fresh session, as after typing the password)."""
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
