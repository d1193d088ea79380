"""A US station over HTTP against gunicorn: a tank closed for good without its notice, two
re-fuelled (one with the notice, one without), then staffed with Class A, B and C operators; the
reminders and the data-quality problems follow each step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.e2e.api import asset
from tests.e2e.api import created
from tests.e2e.api import facility
from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import Server
from tests.e2e.conftest import serve

# Days in the past whatever the server's zone (it may be a day ahead of this process).
TODAY = date.today()
AS_OF = (TODAY + timedelta(days=1)).isoformat()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def us_station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn with the us-epa-280 rule pack."""
    with serve(tmp_path_factory.mktemp("e2e-life"), settings={"RULE_PACK": "us-epa-280"}) as up:
        yield up


class Client:
    """The operator of organization A, by token."""

    def __init__(self, server: Server) -> None:
        self.server = server
        resp = requests.post(
            f"{server.url}/api/v1/auth/token",
            json={"email": server.emails["operator"], "password": PASSWORD},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        self.headers = {"Authorization": f"Bearer {resp.json()['token']}"}

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        url = f"{self.server.url}/api/v1{path}"
        return requests.request(method, url, headers=self.headers, timeout=60, **kw)

    def patch_asset(self, asset_id: int, **body: Any) -> dict[str, Any]:
        version = self.call("GET", f"/assets/{asset_id}").json()["version"]
        resp = self.call("PATCH", f"/assets/{asset_id}", json={"version": version, **body})
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    def reminders(self, facility_id: int) -> list[dict[str, Any]]:
        resp = self.call("GET", f"/reminders?as_of={AS_OF}")
        assert resp.status_code == 200, resp.text
        return [i for i in resp.json() if i["facility_id"] == facility_id]

    def problems(self, asset_id: int) -> set[str]:
        return {p["code"] for p in self.call("GET", f"/assets/{asset_id}/quality").json()}


def test_close_refuel_and_staff_a_us_station(us_station: Server) -> None:
    api = Client(us_station)
    pack = api.call("GET", "/rule-pack").json()
    events = {e["code"]: e for e in pack["event_obligations"]}
    notice = next(
        e for e in events.values() if e["on"] == "status:permanently_closed" and e["due"] < 0
    )
    assert notice["due"] == -30 and notice["due_unit"] == "days"
    compat = events["ethanol_blend_notice"]["satisfied_by"][0]

    body = facility("生命周期测试站", us_station.organizations["a"]) | {"registered_on": ago(90)}
    fid = created(api.call("POST", "/facilities", json=body))["id"]
    tanks = [
        created(api.call("POST", "/assets", json=asset(fid, "tank", f"T{n}")))["id"]
        for n in (1, 2, 3)
    ]
    training = {
        i["operator_class"] for i in api.reminders(fid) if i["obligation"] == "operator_training"
    }
    assert training == {"A", "B", "C"}

    # Closed for good two days ago, recorded today, with no notice given before.
    closed = api.patch_asset(
        tanks[0], status="permanently_closed", closed_on=ago(2), closure_method="removed"
    )
    assert closed["closed_on"] == ago(2) and closed["closure_method"] == "removed"
    mine = {i["obligation"]: i for i in api.reminders(fid) if i["asset_id"] == tanks[0]}
    assert mine[notice["code"]]["state"] == "overdue"
    assert mine[notice["code"]]["due_on"] == ago(32)
    assert mine["closure_site_assessment"]["due_on"] == ago(2)
    assert "closure_without_notice" in api.problems(tanks[0])

    # Re-fuelled with E85 after the notice (given 45 days ago), and with B100 without one.
    record = {"activity": compat, "performed_on": ago(45), "notes": "letter to the agency"}
    assert api.call("POST", f"/assets/{tanks[1]}/records", json=record).status_code == 201
    assert api.patch_asset(tanks[1], substance="ethanol_blend")["substance_changed_on"]
    api.patch_asset(tanks[2], substance="biodiesel")
    assert "substance_change_without_notice" not in api.problems(tanks[1])
    assert "substance_change_without_notice" in api.problems(tanks[2])
    by_asset = {(i["asset_id"], i["obligation"]): i for i in api.reminders(fid)}
    assert (tanks[1], "ethanol_blend_notice") not in by_asset
    assert by_asset[(tanks[2], "biodiesel_notice")]["state"] == "overdue"

    # Staffed: a trained operator of each class; the training reminders end.
    url = f"/facilities/{fid}/designated-operators"
    for cls in ("A", "B", "C"):
        person = {
            "name": f"Operator {cls}",
            "operator_class": cls,
            "trained_on": ago(5),
            "certificate_number": f"US-{cls}-1",
        }
        assert api.call("POST", url, json=person).status_code == 201
    assert len(api.call("GET", url).json()) == 3
    assert not [i for i in api.reminders(fid) if i["obligation"] == "operator_training"]
