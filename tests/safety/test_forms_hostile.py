"""Hostile input in every web form and the API: refused with a message or stored intact, never 500.

Each form is read from its page (every input, select and textarea it really has), filled with
valid choices, then one kind of hostile value is put into every field of its type.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from tests.helpers import log_in

TEXTS = {
    "nul": "abc\x00def",
    "control": "bell\x07\x1b[31m",
    "long": "长" * 10_000,
    "rtl-emoji": "\u202eevil\u202c 🛢️⛽ مرحبا",
    "like": "%_%\\",
}
NUMBERS = {"negative": "-1", "huge": "1e309", "overflow": "99999999999999999999999", "nan": "NaN"}
TEXT_KINDS = {"text", "textarea", "email", "tel", "search"}
DATES = {
    "feb30": "2026-02-30",
    "zero": "0000-00-00",
    "far": "99999-01-01",
    "words": "tomorrow",
    "hastings": "1066-01-01",  # a real date, but no tank was installed or sampled then
    "after-2100": "2101-01-01",
}


class _Form(HTMLParser):
    """The fields of each POST form of a page: (name, type, default value)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._fields: list[tuple[str, str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._fields.append((a["name"], kind, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and a.get("value"):
            self._fields.append((self._select, "select", a["value"]))
            self._select = None
        elif tag == "textarea" and a.get("name"):
            self._fields.append((a["name"], "textarea", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        if tag == "select":
            self._select = None


def _form(client: Any, url: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The page's main form: the POST form with the most fields (not the language switcher)."""
    resp = client.get(url)
    assert resp.status_code == 200, url
    parser = _Form()
    parser.feed(resp.get_data(as_text=True))
    assert parser.forms, f"no form on {url}"
    action, fields = max(parser.forms, key=lambda f: len(f[1]))
    return action or url, fields


def _form_urls(world: dict[str, Any]) -> list[str]:
    tank, fac, org = world["tank_b"], world["fac_b"], world["org_b"]
    return [
        "/organizations/new",
        f"/organizations/{org.id}/edit",
        "/facilities/new",
        f"/facilities/{fac.id}/edit",
        f"/facilities/{fac.id}/records/new",
        f"/assets/new?facility_id={fac.id}",
        f"/assets/new?facility_id={fac.id}&kind=pipeline",
        f"/assets/{tank.id}/edit",
        f"/assets/{tank.id}/records/new",
        f"/assets/{tank.id}/red-tag",
        f"/assets/{tank.id}/close",
        "/users/new",
        f"/users/{world['users']['viewer'].id}/edit",
        f"/assets/{tank.id}/inspect",
        f"/facilities/{fac.id}/filings/new",
    ]


def _post(
    client: Any, url: str, fields: list[tuple[str, str, str]], kinds: set[str], value: str
) -> Any:
    data: list[tuple[str, str]] = []
    hit = False
    for name, kind, default in fields:
        if (
            name == "csrf_token"
            or kind in ("hidden", "select", "checkbox", "radio")
            or kind not in kinds
        ):
            data.append((name, default))
        else:
            data.append((name, value))
            hit = True
    return client.post(url, data=MultiDict(data)), hit


def _check(resp: Any, url: str, value: str, hit: bool) -> None:
    assert resp.status_code < 500, f"{url}: {resp.status_code}"
    if resp.status_code in (200, 400, 409, 422) and resp.mimetype == "text/html":
        html = resp.get_data(as_text=True)
        if resp.status_code != 200:
            assert 'class="error"' in html or 'role="alert"' in html, f"{url}: no message"
        visible = value.replace("\x00", "")
        if hit and resp.status_code == 422 and len(visible) < 200:
            assert str(escape(visible.strip())) in html or "\x00" in value, f"{url}: input lost"


@pytest.mark.parametrize("name", list(TEXTS))
def test_web_forms_text(client: Any, world: dict[str, Any], name: str) -> None:
    log_in(client, world["users"]["regulator"])
    touched = 0
    for url in _form_urls(world):
        action, fields = _form(client, url)
        resp, hit = _post(
            client, action, fields, {"text", "textarea", "email", "tel", "search"}, TEXTS[name]
        )
        touched += hit
        _check(resp, url, TEXTS[name], hit)
    assert touched >= 8


@pytest.mark.parametrize("name", list(NUMBERS))
def test_web_forms_numbers(client: Any, world: dict[str, Any], name: str) -> None:
    log_in(client, world["users"]["regulator"])
    touched = 0
    for url in _form_urls(world):
        action, fields = _form(client, url)
        resp, hit = _post(client, action, fields, {"number"}, NUMBERS[name])
        touched += hit
        _check(resp, url, NUMBERS[name], hit)
        if hit and name != "negative":  # a negative number can be valid (a longitude)
            assert resp.status_code == 422, f"{url} accepted {NUMBERS[name]}"
    assert touched >= 3


@pytest.mark.parametrize("name", list(DATES))
def test_web_forms_dates(client: Any, world: dict[str, Any], name: str) -> None:
    log_in(client, world["users"]["regulator"])
    touched = 0
    for url in _form_urls(world):
        action, fields = _form(client, url)
        resp, hit = _post(client, action, fields, {"date"}, DATES[name])
        touched += hit
        _check(resp, url, DATES[name], hit)
        if hit:
            assert resp.status_code == 422, f"{url} accepted {DATES[name]}"
    assert touched >= 3


def test_nul_in_a_form_is_refused_with_a_message(client: Any, world: dict[str, Any]) -> None:
    log_in(client, world["users"]["regulator"])
    fac = world["fac_b"]
    action, fields = _form(client, f"/facilities/{fac.id}/edit")
    resp, hit = _post(client, action, fields, {"text"}, "甲\x00乙")
    assert hit and resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'class="error"' in html and "NUL" in html
    assert client.get(f"/facilities/{fac.id}").get_data(as_text=True).count("甲\x00乙") == 0


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/facilities", "百分百%_加油站"),
        ("/assets", "百分百%_加油站"),
        ("/organizations", "百分之100%_公司"),
        ("/users", "wild%_card@example.cn"),
        ("/certificates", None),
    ],
)
def test_like_wildcards_match_themselves(
    client: Any,
    world: dict[str, Any],
    make_org: Any,
    make_facility: Any,
    make_asset: Any,
    make_user: Any,
    path: str,
    shown: str | None,
) -> None:
    org = make_org(name="百分之100%_公司", address="100%_路")
    make_asset(make_facility(org, name="百分百%_加油站"), operator_ref="%_1")
    make_user("viewer", email="wild%_card@example.cn")
    log_in(client, world["users"]["regulator"])
    # Rows that must not match; (the facility list's filter offers every organization by name.)
    others = {
        "/organizations": world["org_a"].name,
        "/users": world["users"]["viewer"].email,
    }.get(path, world["fac_a"].name)
    for q, found in (("%", True), ("_", True), ("%_", True), ("_%", False), ("\\", False)):
        resp = client.get(path, query_string={"q": q})
        assert resp.status_code == 200, (path, q)
        html = resp.get_data(as_text=True)
        assert others not in html, (path, q)  # not "match everything"
        if shown:
            assert (shown in html) is found, (path, q)


@pytest.mark.parametrize(
    "url", ["/facilities?q=a%00b", "/assets?subdistrict=%00", "/c/DC%00", "/users?q=%00"]
)
def test_nul_in_the_address_answers_400(client: Any, world: dict[str, Any], url: str) -> None:
    log_in(client, world["users"]["regulator"])
    resp = client.get(url)
    assert resp.status_code == 400
    assert "NUL" in resp.get_data(as_text=True)


BAD_QUERIES = [
    "/facilities?page=-1",
    "/facilities?page=99999999999999999999",
    "/facilities?page_size=100000000000000000000",
    "/facilities?organization_id=99999999999999999999",
    "/facilities?kind=%27%20OR%201%3D1%20--",
    "/assets?page=abc",
    "/assets?facility_id=-5",
    "/assets?facility_id=99999999999999999999",
    "/assets?organization_id=abc",
    "/certificates?status=%27",
    "/filings?status=x%27",
    "/red-tags?organization_id=99999999999999999999",
    "/reminders?organization_id=-1",
    "/reminders?as_of=0000-00-00",
    "/reminders/overview?as_of=99999-01-01",
    "/quality?organization_id=abc&facility_id=99999999999999999999",
    "/c/%27%20OR%201%3D1%20--",
    "/api/v1/assets?page=-1",
    "/api/v1/assets?page_size=100000000000000000000",
    "/api/v1/assets?facility_id=99999999999999999999",
    "/api/v1/findings?due_before=2026-02-30",
    "/api/v1/assets/by-tag/%25",
]


@pytest.mark.parametrize("url", BAD_QUERIES)
def test_hostile_query_strings_never_500(client: Any, world: dict[str, Any], url: str) -> None:
    log_in(client, world["users"]["regulator"])
    headers = {}
    if url.startswith("/api/"):
        from registry.auth.services import issue_token

        headers = {"Authorization": f"Bearer {issue_token(world['users']['regulator'], days=1)}"}
    resp = client.get(url, headers=headers)
    assert resp.status_code < 500, (url, resp.status_code)


def test_id_filters_are_numbers_on_every_database(client: Any, world: dict[str, Any]) -> None:
    """An id filter compares as a number (PostgreSQL refused text = integer before)."""
    log_in(client, world["users"]["regulator"])
    tank_a, tank_b = world["tank_a"], world["tank_b"]
    html = client.get(f"/assets?facility_id={world['fac_a'].id}").get_data(as_text=True)
    assert f'/assets/{tank_a.id}"' in html and f'/assets/{tank_b.id}"' not in html
    html = client.get("/assets?facility_id=99999999999999999999").get_data(as_text=True)
    assert f'/assets/{tank_a.id}"' not in html  # no such facility: nothing, not everything
    html = client.get(f"/facilities?organization_id={world['org_b'].id}").get_data(as_text=True)
    assert f'/facilities/{world["fac_b"].id}"' in html
    assert f'/facilities/{world["fac_a"].id}"' not in html


@pytest.mark.parametrize("step", ["fix", "verify"])
def test_nul_in_an_action_note_is_refused(client: Any, world: dict[str, Any], step: str) -> None:
    action = world["action_open"] if step == "fix" else world["action_fixed"]
    user = world["users"]["operator_a"] if step == "fix" else world["users"]["inspector"]
    log_in(client, user)
    resp = client.post(f"/corrective-actions/{action.id}/{step}", data={"notes": "a\x00b"})
    assert resp.status_code == 422 and "NUL" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "filename",
    ["a\x00b.pdf", "evil\r\nX-Injected: 1.pdf", "../../../etc/passwd.pdf", "..\\..\\boot.pdf", ""],
)
def test_hostile_upload_names_store_and_download(
    client: Any, world: dict[str, Any], filename: str
) -> None:
    from sqlalchemy import select

    from registry.compliance.models import ActivityRecord
    from registry.extensions import db

    tank = world["tank_a"]
    log_in(client, world["users"]["operator_a"])
    resp = client.post(
        f"/assets/{tank.id}/records/new",
        data={
            "activity": "patrol",
            "performed_on": "2026-01-05",
            "result": "pass",
            "attachment": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.status_code
    db.session.expire_all()
    record = db.session.scalars(
        select(ActivityRecord)
        .where(ActivityRecord.asset_id == tank.id)
        .order_by(ActivityRecord.id.desc())
    ).first()
    assert record is not None
    if record.attachment_name is None:
        # No name, or a line break inside the part's header: the multipart parser sees no
        # file at all, and the record is kept without one.
        assert filename == "" or "\r\n" in filename
        return
    assert "/" not in record.attachment_name and "\\" not in record.attachment_name
    assert not any(ord(c) < 32 for c in record.attachment_name)
    got = client.get(f"/records/{record.id}/attachment")
    assert got.status_code == 200 and got.data.startswith(b"%PDF-")
    assert "X-Injected" not in got.headers
