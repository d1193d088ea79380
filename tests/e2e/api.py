"""What the e2e tests send through the API: bodies of facilities, assets and inspections."""

from __future__ import annotations

import io
import uuid
from datetime import date
from datetime import timedelta
from typing import Any

import requests
from PIL import Image

from tests.e2e.conftest import Server

# Pinned: in the past whatever day the suite runs (CI also runs it 400 days ahead).
# A week ago: a certificate needs an inspection younger than its validity, whatever the day.
PERFORMED_AT = f"{(date.today() - timedelta(days=7)).isoformat()}T09:30:00+08:00"


def facility(name: str, organization_id: int) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "name": name,
        "kind": "gas_station",
        "address": "北京市东城区端到端路1号",
        "subdistrict": "东直门街道",
        "latitude": 39.94,
        "longitude": 116.43,
    }


def asset(facility_id: int, kind: str, ref: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "facility_id": facility_id,
        "kind": kind,
        "operator_ref": ref,
        "substance": "diesel",
        "installed_on": "2018-06-01",
        "wall": "double",
        "material": "frp",
        "anti_seepage": "double_wall",
        "leak_detection": ["interstitial"],
    }
    if kind == "tank":
        body["capacity_litres"] = 30000
    else:
        body.update(piping_type="suction", length_m=25, diameter_mm=50)
    return body


def post(server: Server, path: str, headers: dict[str, str], body: Any) -> requests.Response:
    return requests.post(f"{server.url}{path}", json=body, headers=headers, timeout=60)


def created(resp: requests.Response) -> dict[str, Any]:
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def passing(server: Server, headers: dict[str, str], asset_id: int) -> dict[str, Any]:
    """An inspection body answering the asset's checklist (from the API) compliantly."""
    url = f"{server.url}/api/v1/assets/{asset_id}/checklist"
    resp = requests.get(url, headers=headers, timeout=30)
    assert resp.status_code == 200, resp.text
    answers = []
    for item in resp.json()["items"]:
        value: Any = {"yesno": "yes", "text": "ok"}.get(item["type"])
        if item["type"] == "number":
            value = item["max"] if item["max"] is not None else (item["min"] or 1)
        elif item["type"] == "choice":
            value = item["choices"][0]["value"]
        answers.append({"item": item["code"], "value": value, "note": None})
    return {
        "client_uuid": str(uuid.uuid4()),
        "asset_id": asset_id,
        "performed_at": PERFORMED_AT,
        "answers": answers,
        "result": "pass",
        "notes": "e2e",
        "latitude": 39.94,
        "longitude": 116.43,
    }


def jpeg() -> bytes:
    """A real 640 × 480 JPEG, as a phone would send."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(out, format="JPEG")
    return out.getvalue()
