"""What a program or a browser does with the real server, over HTTP: log in, list, create,
export (streamed, read to the end), inspect, certify, print labels, upload photos."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from tests.e2e.api import asset as _asset
from tests.e2e.api import created as _created
from tests.e2e.api import facility as _facility
from tests.e2e.api import jpeg as _jpeg
from tests.e2e.api import passing as _passing
from tests.e2e.api import post as _post
from tests.e2e.conftest import Server
from tests.e2e.conftest import csrf_token
from tests.e2e.conftest import log_in
from tests.helpers import need_tool
from tests.helpers import read_export
from tests.helpers import run

EXPORTS = [
    f"/exports/{n}.{f}" for n in ("assets", "facilities") for f in ("csv", "xlsx", "geojson")
]


@pytest.fixture(scope="session")
def site(server: Server, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Organization A's facility (a tank and a pipeline), made by its operator through the API;
    organization B's facility and tank, made by the regulator."""
    own, reg = tokens["operator"], tokens["regulator"]
    a = _facility("端到端甲站", server.organizations["a"])
    fac_a = _created(_post(server, "/api/v1/facilities", own, a))
    b = _facility("端到端乙站", server.organizations["b"])
    fac_b = _created(_post(server, "/api/v1/facilities", reg, b))
    return {
        "fac_a": fac_a,
        "fac_b": fac_b,
        "tank_a": _created(_post(server, "/api/v1/assets", own, _asset(fac_a["id"], "tank", "T1"))),
        "pipe_a": _created(
            _post(server, "/api/v1/assets", own, _asset(fac_a["id"], "pipeline", "P1"))
        ),
        "tank_b": _created(_post(server, "/api/v1/assets", reg, _asset(fac_b["id"], "tank", "T1"))),
    }


def _pdf_text(resp: requests.Response, tmp_path: Path) -> str:
    assert resp.status_code == 200, resp.text[:500]
    assert resp.headers["Content-Type"] == "application/pdf"
    path = tmp_path / "out.pdf"
    path.write_bytes(resp.content)
    return run([need_tool("pdftotext"), str(path), "-"]).stdout


def test_lists_page_with_x_pagination(
    server: Server, tokens: dict[str, dict[str, str]], site: dict[str, Any]
) -> None:
    for role, facilities, assets in (("operator", 1, 2), ("regulator", 2, 3)):
        for path, total in (("facilities", facilities), ("assets", assets)):
            resp = requests.get(
                f"{server.url}/api/v1/{path}?page_size=1", headers=tokens[role], timeout=30
            )
            assert resp.status_code == 200, resp.text
            assert len(resp.json()) == 1
            assert json.loads(resp.headers["X-Pagination"])["total"] == total, (role, path)
    assert site["fac_a"]["organization_id"] == server.organizations["a"]
    assert site["tank_a"]["facility_id"] == site["fac_a"]["id"] and site["tank_a"]["version"] == 1


def _stream(session: requests.Session, url: str, headers: dict[str, str]) -> bytes:
    """Fetch an export as it streams and read it to its end (a cut stream raises)."""
    with session.get(url, headers=headers, stream=True, timeout=60) as resp:
        assert resp.status_code == 200, (url, resp.text[:500])
        assert "Content-Length" not in resp.headers, url  # streamed, not buffered
        assert "attachment" in resp.headers["Content-Disposition"]
        return b"".join(resp.iter_content(64 * 1024))


@pytest.mark.parametrize("auth", ["cookie", "token"])
def test_every_export_streams_whole(
    server: Server, tokens: dict[str, dict[str, str]], site: dict[str, Any], auth: str
) -> None:
    ids = {key: value["id"] for key, value in site.items()}
    own = {"assets": {ids["tank_a"], ids["pipe_a"]}, "facilities": {ids["fac_a"]}}
    everything = {
        "assets": own["assets"] | {ids["tank_b"]},
        "facilities": {ids["fac_a"], ids["fac_b"]},
    }
    for role, expected in (("viewer", everything), ("operator", own)):
        if auth == "cookie":
            session, headers = log_in(server, role), {}
        else:
            session, headers = requests.Session(), tokens[role]
        for path in EXPORTS:
            rows = read_export(path, _stream(session, f"{server.url}{path}", headers))
            kind = path.split("/")[2].split(".")[0]
            assert {int(r["id"]) for r in rows} == expected[kind], (role, path)


def test_inspectors_may_not_export(server: Server, tokens: dict[str, dict[str, str]]) -> None:
    resp = requests.get(f"{server.url}/exports/assets.csv", headers=tokens["inspector"], timeout=30)
    assert resp.status_code == 403


def test_an_inspection_sent_twice_is_recorded_once(
    server: Server, tokens: dict[str, dict[str, str]], site: dict[str, Any]
) -> None:
    headers = tokens["inspector"]
    body = _passing(server, headers, site["pipe_a"]["id"])
    first = _post(server, "/api/v1/inspections", headers, body)
    assert first.status_code == 201, first.text
    again = _post(server, "/api/v1/inspections", headers, body)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    changed = _post(server, "/api/v1/inspections", headers, body | {"notes": "another"})
    assert changed.status_code == 409, changed.text


def test_certificate_pdf_after_a_passing_inspection(
    server: Server, tokens: dict[str, dict[str, str]], site: dict[str, Any], tmp_path: Path
) -> None:
    headers = tokens["inspector"]
    inspection = _created(
        _post(
            server, "/api/v1/inspections", headers, _passing(server, headers, site["tank_a"]["id"])
        )
    )
    cert = _created(
        _post(server, "/api/v1/certificates", headers, {"inspection_id": inspection["id"]})
    )
    assert cert["status"] == "valid"
    # The operator fetches its certificate's PDF as a program would: with its token.
    resp = requests.get(cert["pdf_url"], headers=tokens["operator"], timeout=120)
    text = _pdf_text(resp, tmp_path)
    assert cert["number"] in text
    assert "端到端甲站" in text


def test_an_operator_may_not_issue_a_certificate(
    server: Server, tokens: dict[str, dict[str, str]], site: dict[str, Any]
) -> None:
    headers = tokens["inspector"]
    inspection = _created(
        _post(
            server, "/api/v1/inspections", headers, _passing(server, headers, site["pipe_a"]["id"])
        )
    )
    resp = _post(
        server, "/api/v1/certificates", tokens["operator"], {"inspection_id": inspection["id"]}
    )
    assert resp.status_code == 403, resp.text


def test_label_sheet_of_a_facility(server: Server, site: dict[str, Any], tmp_path: Path) -> None:
    session = log_in(server, "operator")
    resp = session.get(f"{server.url}/facilities/{site['fac_a']['id']}/labels.pdf", timeout=120)
    text = _pdf_text(resp, tmp_path)
    assert site["tank_a"]["tag"] in text and site["pipe_a"]["tag"] in text


def test_photo_upload_and_a_refused_one(
    server: Server, tokens: dict[str, dict[str, str]], site: dict[str, Any]
) -> None:
    headers = tokens["inspector"]
    body = _passing(server, headers, site["tank_b"]["id"])
    inspection = _created(_post(server, "/api/v1/inspections", headers, body))
    url = f"{server.url}/api/v1/inspections/{inspection['id']}/photos"
    raw = _jpeg()
    resp = requests.post(
        url, files={"file": ("tank.jpg", raw, "image/jpeg")}, headers=headers, timeout=60
    )
    photo = _created(resp)
    shown = requests.get(f"{server.url}{photo['url']}", headers=headers, timeout=30)
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(shown.content)).size == (640, 480)
    fake = b"this is text, not a photo\n" * 20
    resp = requests.post(
        url, files={"file": ("fake.jpg", fake, "image/jpeg")}, headers=headers, timeout=60
    )
    assert resp.status_code == 422, resp.text
    assert "file" in resp.json()["errors"]


def test_log_out(server: Server) -> None:
    session = log_in(server, "viewer")
    home = session.get(f"{server.url}/", timeout=30)
    assert home.status_code == 200
    form = {"csrf_token": csrf_token(home.text)}
    resp = session.post(f"{server.url}/logout", data=form, allow_redirects=False, timeout=30)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    after = session.get(f"{server.url}/assets", allow_redirects=False, timeout=30)
    assert after.status_code == 302 and "/login" in after.headers["Location"]
