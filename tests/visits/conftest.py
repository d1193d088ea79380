"""Fixtures for compliance inspections: bodies of visits and asset inspections."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from registry.inspections.checklists import load_checklist

# Pinned in the past, whatever day the suite runs (CI also runs it 400 days ahead).
VISIT_AT = "2025-03-10T09:30:00+08:00"
VISIT_ON = "2025-03-10"


@pytest.fixture
def asset_inspection(
    app: Any, client: Any, api_headers: Callable[..., Any], world: dict[str, Any]
) -> Callable[..., dict[str, Any]]:
    """Store an inspector's inspection of an asset, failing the items named; return its JSON."""

    def make(asset: Any, failing: tuple[str, ...] = (), at: str = VISIT_AT) -> dict[str, Any]:
        with app.app_context():
            items = load_checklist().for_asset(asset)
        answers = []
        for item in items:
            if item.type == "yesno":
                value: Any = "no" if item.code in failing else "yes"
            elif item.type == "number":
                value = item.max if item.max is not None else (item.min or 1)
            elif item.type == "choice":
                value = item.choices[0].value
            else:
                value = "ok"
            answers.append({"item": item.code, "value": value, "note": None})
        body = {
            "client_uuid": str(uuid.uuid4()),
            "asset_id": asset.id,
            "performed_at": at,
            "answers": answers,
        }
        headers = api_headers(world["users"]["inspector"])
        resp = client.post("/api/v1/inspections", json=body, headers=headers)
        assert resp.status_code == 201, resp.get_json()
        return dict(resp.get_json())

    return make


def visit_body(**extra: Any) -> dict[str, Any]:
    """A routine visit body without violations."""
    body: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "performed_at": VISIT_AT,
        "kind": "routine",
        "inspection_ids": [],
        "violations": [],
    }
    body.update(extra)
    return body


@pytest.fixture
def post_visit(
    client: Any, api_headers: Callable[..., Any], world: dict[str, Any]
) -> Callable[..., Any]:
    """POST a visit of a facility as a role of the world; return the response."""

    def post(facility: Any, role: str = "inspector", **extra: Any) -> Any:
        headers = api_headers(world["users"][role])
        url = f"/api/v1/facilities/{facility.id}/compliance-inspections"
        return client.post(url, json=visit_body(**extra), headers=headers)

    return post
