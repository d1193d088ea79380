"""The field pack over HTTP on gunicorn: an operator's pack holds its own assets only, the
cursor brings back what changed, an inspection sent as a phone sends it arrives once.

A server of its own: the session's server counts the facilities it holds (test_server)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.api import asset as _asset
from tests.e2e.api import created as _created
from tests.e2e.api import facility as _facility
from tests.e2e.api import passing as _passing
from tests.e2e.api import post as _post
from tests.e2e.conftest import Server
from tests.e2e.conftest import bearer_headers
from tests.e2e.conftest import serve


@pytest.fixture(scope="module")
def field_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("e2e-field")) as running:
        yield running


@pytest.fixture(scope="module")
def field_tokens(field_server: Server) -> dict[str, dict[str, str]]:
    return bearer_headers(field_server)


def _pack(server: Server, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    resp = requests.get(
        f"{server.url}/api/v1/field/pack", params=query, headers=headers, timeout=60
    )
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _all(server: Server, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    out, after = [], 0
    while after is not None:
        page = _pack(server, headers, after=after, limit=2, **query)
        out += page["assets"]
        after = page["next"]
    return out


def test_field_pack_over_http(
    field_server: Server, field_tokens: dict[str, dict[str, str]]
) -> None:
    server, tokens = field_server, field_tokens
    own, other, insp = tokens["operator"], tokens["operator_b"], tokens["inspector"]
    fac_a = _created(
        _post(server, "/api/v1/facilities", own, _facility("外业甲站", server.organizations["a"]))
    )
    fac_b = _created(
        _post(server, "/api/v1/facilities", other, _facility("外业乙站", server.organizations["b"]))
    )
    mine = [
        _created(_post(server, "/api/v1/assets", own, _asset(fac_a["id"], "tank", f"F-{n}")))
        for n in range(3)
    ]
    theirs = _created(_post(server, "/api/v1/assets", other, _asset(fac_b["id"], "tank", "G-1")))
    # Paged by two: the operator's pack has its organization's assets only.
    own_ids = {a["id"] for a in _all(server, own)}
    assert {a["id"] for a in mine} <= own_ids and theirs["id"] not in own_ids
    assert {a["org"] for a in _all(server, own)} == {server.organizations["a"]}
    # The inspector's holds both, with the questions of the form.
    first = _pack(server, insp, limit=1000)
    carried = {a["id"]: a for a in first["assets"]}
    assert {a["id"] for a in mine} | {theirs["id"]} <= set(carried)
    assert carried[theirs["id"]]["checklist"] in first["checklists"]
    # An inspection sent the way the phone's queue sends it; sent again, still one.
    body = _passing(server, insp, mine[0]["id"])
    body["client_uuid"] = str(uuid.uuid4())
    assert _post(server, "/api/v1/inspections", insp, body).status_code == 201
    assert _post(server, "/api/v1/inspections", insp, body).status_code == 200
    # The cursor brings back exactly that asset, now with its last inspection.
    later = _pack(server, insp, since=first["cursor"])
    assert [a["id"] for a in later["assets"]] == [mine[0]["id"]]
    assert later["assets"][0]["last"][1] == "pass"
    listed = requests.get(
        f"{server.url}/api/v1/assets/{mine[0]['id']}/inspections", headers=insp, timeout=60
    )
    assert len(listed.json()) == 1
    assert requests.get(f"{server.url}/api/v1/field/pack", timeout=60).status_code == 401
