"""A facility visit through the API on gunicorn: the asset inspection's failed answer proposes
its violation, the visit is stored once, the operator corrects, the inspector verifies, the
open violation is a reminder until then, the notice prints, the measures count it."""

from __future__ import annotations

import uuid
from datetime import date
from datetime import timedelta
from typing import Any

import requests

from tests.e2e.api import PERFORMED_AT
from tests.e2e.api import asset as _asset
from tests.e2e.api import created as _created
from tests.e2e.api import facility as _facility
from tests.e2e.api import passing as _passing
from tests.e2e.api import post as _post
from tests.e2e.conftest import Server


def _get(server: Server, path: str, headers: dict[str, str]) -> requests.Response:
    return requests.get(f"{server.url}{path}", headers=headers, timeout=60)


def test_a_visit_through_the_api(server: Server, tokens: dict[str, dict[str, str]]) -> None:
    own, reg, insp = tokens["operator"], tokens["regulator"], tokens["inspector"]
    fac = _created(
        _post(server, "/api/v1/facilities", own, _facility("巡查站", server.organizations["a"]))
    )
    tank = _created(_post(server, "/api/v1/assets", own, _asset(fac["id"], "tank", "V-1")))
    body = _passing(server, insp, tank["id"])
    for answer in body["answers"]:
        if answer["item"] == "interstice_dry":
            answer["value"] = "no"
    body["result"] = "fail"
    inspection = _created(_post(server, "/api/v1/inspections", insp, body))
    visit_body: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "performed_at": PERFORMED_AT,
        "kind": "routine",
        "inspection_ids": [inspection["id"]],
        "violations": [{"code": "BJ-FS-03", "asset_id": tank["id"], "corrected_on_site": True}],
    }
    url = f"/api/v1/facilities/{fac['id']}/compliance-inspections"
    visit = _created(_post(server, url, insp, visit_body))
    again = _post(server, url, insp, visit_body)
    assert again.status_code == 200 and again.json()["id"] == visit["id"]
    assert _post(server, url, insp, {**visit_body, "kind": "complaint"}).status_code == 409
    assert (
        _post(server, url, own, {**visit_body, "client_uuid": str(uuid.uuid4())}).status_code == 403
    )
    by_code = {v["code"]: v for v in visit["violations"]}
    assert by_code["BJ-FS-03"]["status"] == "verified"
    proposed = by_code["BJ-LD-02"]
    assert proposed["status"] == "open" and proposed["asset_id"] == tank["id"]
    performed_on = date.fromisoformat(PERFORMED_AT[:10])
    assert proposed["due_on"] == (performed_on + timedelta(days=7)).isoformat()

    reminders = _get(server, f"/api/v1/reminders?organization_id={server.organizations['a']}", own)
    assert [
        r["obligation"] for r in reminders.json() if r.get("violation_id") == proposed["id"]
    ] == ["BJ-LD-02"]
    fixed_on = (performed_on + timedelta(days=1)).isoformat()
    path = f"/api/v1/violations/{proposed['id']}"
    done = _post(server, f"{path}/corrected", own, {"corrected_on": fixed_on, "notes": "已排液"})
    assert done.status_code == 200 and done.json()["status"] == "corrected"
    assert _post(server, f"{path}/verify", own, {}).status_code == 403
    verified = _post(server, f"{path}/verify", insp, {})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    reminders = _get(server, "/api/v1/reminders", own).json()
    assert all(r.get("violation_id") != proposed["id"] for r in reminders)

    pdf = _get(server, f"/compliance-inspections/{visit['id']}.pdf", own)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    start = (performed_on - timedelta(days=1)).isoformat()
    measures = _get(server, f"/api/v1/measures?from={start}&to={performed_on.isoformat()}", reg)
    assert measures.status_code == 200
    m = measures.json()
    assert m["facilities_inspected"] == 1
    assert m["soc_release_prevention_pct"] == 0.0 and m["soc_release_detection_pct"] == 0.0
    assert m["violations_open"] == 0 and m["rtc_on_time_pct"] == 100.0
