"""Inspection dates outside 1900-2100 are refused; invisible characters leave notes (issue 27)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registry.extensions import db as _db
from registry.inspections.models import Inspection
from tests.safety.test_implausible_input import BIDI
from tests.safety.test_implausible_input import ZERO_WIDTH
from tests.safety.test_implausible_input import _bad_date_message
from tests.safety.test_implausible_input import _field_errors


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"performed_at": "1066-10-14T09:00:00+00:00"}, ("performed_at",)),
        (
            {
                "result": "fail",
                "findings": [{"severity": "low", "description": "rust", "due_on": "2101-01-01"}],
            },
            ("findings", "0", "due_on"),
        ),
    ],
)
def test_api_inspection_dates_outside_1900_2100_are_refused(
    client: Any,
    world: dict[str, Any],
    api_headers: Any,
    passing_body: Any,
    change: dict[str, Any],
    path: tuple[str, ...],
) -> None:
    body = passing_body(world["tank_a"]) | change
    resp = client.post(
        "/api/v1/inspections", json=body, headers=api_headers(world["users"]["inspector"])
    )
    assert resp.status_code == 422, resp.get_json()
    errors: Any = _field_errors(resp)
    for key in path:
        errors = errors[key] if key in errors else errors[int(key)]
    assert _bad_date_message(errors)


def test_api_inspection_notes_lose_invisible_characters(
    client: Any, world: dict[str, Any], api_headers: Any, passing_body: Any
) -> None:
    inspection = passing_body(world["tank_a"]) | {"notes": f"lid{BIDI}{ZERO_WIDTH} loose"}
    resp = client.post(
        "/api/v1/inspections", json=inspection, headers=api_headers(world["users"]["inspector"])
    )
    assert resp.status_code == 201, resp.get_json()
    stored = _db.session.scalar(select(Inspection).where(Inspection.id == resp.get_json()["id"]))
    assert stored is not None and stored.notes == "lid loose"
