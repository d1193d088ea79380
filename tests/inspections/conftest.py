"""Fixtures for inspections: valid bodies, images."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from registry.inspections.checklists import load_checklist


@pytest.fixture
def inspection(client, world, api_headers, passing_body) -> dict[str, Any]:
    """An inspector's passing inspection of tank A, and the inspector's API headers."""
    headers = api_headers(world["users"]["inspector"])
    body = passing_body(world["tank_a"])
    data = client.post("/api/v1/inspections", json=body, headers=headers).get_json()
    return {"id": data["id"], "headers": headers}


@pytest.fixture
def passing_body(app: Any) -> Callable[..., dict[str, Any]]:
    """Return a body that answers every item of an asset's checklist compliantly."""

    def make(asset: Any, **extra: Any) -> dict[str, Any]:
        with app.app_context():
            items = load_checklist().for_asset(asset)
        answers = []
        for item in items:
            if item.type == "yesno":
                value: Any = "yes"
            elif item.type == "number":
                value = item.min if item.min is not None else 1
                if item.max is not None:
                    value = item.max
            elif item.type == "choice":
                value = item.choices[0].value
            else:
                value = "ok"
            answers.append({"item": item.code, "value": value, "note": None})
        body = {
            "client_uuid": str(uuid.uuid4()),
            "asset_id": asset.id,
            "performed_at": "2026-03-01T09:30:00+08:00",
            "answers": answers,
            "result": "pass",
            "notes": "routine",
            "latitude": 39.94,
            "longitude": 116.43,
        }
        body.update(extra)
        return body

    return make


def jpeg_bytes(size: tuple[int, int] = (64, 48), exif: Any = None, color: str = "red") -> bytes:
    """Return a small JPEG, with EXIF when given."""
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()
