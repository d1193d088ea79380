"""Attack payloads in every free-text field come out inert: pages, search, PDF, e-mail, iCalendar.

Every HTML page reachable by links (as a regulator and as the operator) is walked; the raw
payload must never appear, its HTML-escaped form must. Exports: test_injection_exports.py.
"""

from __future__ import annotations

import email
import re
import subprocess
from collections.abc import Iterator
from email.message import Message
from email.policy import default as default_policy
from typing import Any
from urllib.parse import urldefrag
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from markupsafe import escape

from registry.extensions import db as _db
from tests.helpers import log_in
from tests.helpers import need_tool
from tests.safety.hostile import PAYLOADS
from tests.safety.hostile import build

SKIP = ("/logout", "/static/", "/photos/", "/api/", "/sw.js", "/manifest", "/language")
SKIP_ENDS = (".pdf", ".ics", ".csv", ".xlsx", ".geojson", "/attachment")
MAX_PAGES = 250


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def hostile(request: Any, world: dict[str, Any]) -> dict[str, Any]:
    """The world plus one organization whose every free text is one payload."""
    payload = PAYLOADS[request.param]
    rows = build(payload, world["users"])
    rows["payload"] = payload
    rows["world"] = world
    return rows


def _links(html: str) -> Iterator[str]:
    for href in re.findall(r'href="([^"]+)"', html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(SKIP) or parts.path.endswith(SKIP_ENDS):
            continue
        yield href


def _walk(client: Any, start: list[str]) -> dict[str, str]:
    """GET every page reachable from `start` by links; return {url: html}."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        resp = client.get(url, follow_redirects=True)
        assert resp.status_code < 500, f"{url} answered {resp.status_code}"
        html = resp.get_data(as_text=True) if resp.mimetype == "text/html" else ""
        seen[url] = html
        # Filters and page numbers multiply URLs without new content: follow one of each path.
        paths = {urlsplit(u).path for u in seen}
        todo.extend(u for u in _links(html) if u not in seen and urlsplit(u).path not in paths)
    return seen


def _start_pages(h: dict[str, Any]) -> list[str]:
    cert = h["cert"]
    return [
        "/",
        f"/organizations/{h['org'].id}",
        f"/organizations/{h['org'].id}/edit",
        f"/facilities/{h['facility'].id}",
        f"/facilities/{h['facility'].id}/edit",
        f"/assets/{h['tank'].id}",
        f"/assets/{h['pipe'].id}",
        f"/assets/{h['tank'].id}/edit",
        f"/assets/{h['pipe'].id}/edit",
        f"/inspections/{h['failed'].id}",
        f"/inspections/{h['passed'].id}",
        f"/certificates/{cert.number}",
        f"/filings/{h['filing'].id}",
        f"/filings/{h['returned'].id}",
        "/facilities",
        "/assets",
        "/organizations",
        "/certificates",
        "/filings",
        "/dashboard",
        "/quality",
        "/red-tags",
        "/reminders",
        "/reminders/overview",
    ]


def _assert_inert(pages: dict[str, str], payload: str) -> None:
    leaked = [url for url, html in pages.items() if payload in html]
    assert not leaked, f"raw payload on {leaked}"
    shown = [url for url, html in pages.items() if str(escape(payload)) in html]
    assert shown, "the escaped payload appears on no page: the walk missed the data"


def test_regulator_pages_show_payload_inert(client: Any, hostile: dict[str, Any]) -> None:
    log_in(client, hostile["world"]["users"]["regulator"])
    pages = _walk(client, _start_pages(hostile))
    _assert_inert(pages, hostile["payload"])
    print(f"walked {len(pages)} pages")
    escaped = str(escape(hostile["payload"]))
    for must in (f"/facilities/{hostile['facility'].id}", f"/inspections/{hostile['failed'].id}"):
        assert escaped in pages[must], must
    assert len(pages) >= 25


def test_operator_pages_show_payload_inert(
    client: Any, hostile: dict[str, Any], make_user: Any
) -> None:
    operator = make_user("operator", organization=hostile["org"])
    log_in(client, operator)
    start = [u for u in _start_pages(hostile) if "/edit" not in u and "/quality" not in u]
    pages = _walk(client, [*start, f"/operators/{hostile['org'].id}/calendar"])
    _assert_inert(pages, hostile["payload"])
    print(f"walked {len(pages)} pages")
    assert str(escape(hostile["payload"])) in pages[f"/facilities/{hostile['facility'].id}"]


def test_public_verify_page_is_inert(client: Any, hostile: dict[str, Any]) -> None:
    resp = client.get(f"/c/{hostile['cert'].number}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert hostile["payload"] not in html
    assert str(escape(hostile["payload"])) in html


@pytest.mark.parametrize("path", ["/facilities", "/assets", "/organizations"])
def test_search_for_sql_payload_finds_only_its_row(
    client: Any, world: dict[str, Any], path: str
) -> None:
    rows = build(PAYLOADS["sql"], world["users"])
    log_in(client, world["users"]["regulator"])
    resp = client.get(path, query_string={"q": PAYLOADS["sql"]})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert str(escape(PAYLOADS["sql"])) in html
    assert world["fac_a"].name not in html and world["org_a"].name not in html
    everything = client.get(path).get_data(as_text=True)
    assert world["fac_a"].name in everything or world["org_a"].name in everything
    assert rows["facility"].id


def test_certificate_pdf_shows_the_literal_text(client: Any, hostile: dict[str, Any]) -> None:
    pdftotext = need_tool("pdftotext")
    log_in(client, hostile["world"]["users"]["regulator"])
    resp = client.get(f"/certificates/{hostile['cert'].number}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = subprocess.run(
        [pdftotext, "-", "-"], input=resp.data, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    assert hostile["payload"] in flat
    assert "&lt;" not in flat and "&#" not in flat  # not double-escaped either


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


class _AnyPort(Controller):
    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def test_reminder_mail_escapes_html_part(
    app: Any, hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = _Inbox()
    controller = _AnyPort(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    try:
        result = app.test_cli_runner().invoke(args=["reminders", "--send", "--as-of", "2026-11-20"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    to_org = [m for m in inbox.messages if hostile["org"].contact_email in str(m["To"])]
    assert to_org, "no digest reached the hostile organization"
    payload = hostile["payload"]
    for msg in to_org:
        assert "\n" not in str(msg["Subject"])
        plain = str(msg.get_body(preferencelist=("plain",)).get_content())  # type: ignore[attr-defined]
        html = str(msg.get_body(preferencelist=("html",)).get_content())  # type: ignore[attr-defined]
        assert payload in plain
        assert payload not in html and str(escape(payload)) in html


def test_calendar_feed_is_inert(client: Any, hostile: dict[str, Any], make_user: Any) -> None:
    org = hostile["org"]
    log_in(client, make_user("operator", organization=org))
    page = client.post(f"/operators/{org.id}/calendar").get_data(as_text=True)
    token = re.search(r"calendar\.ics\?token=([A-Za-z0-9_\-]+)", page)
    assert token
    resp = client.get(f"/operators/{org.id}/calendar.ics?token={token.group(1)}")
    assert resp.status_code == 200
    raw = resp.get_data(as_text=True)
    cal = Calendar.from_ical(resp.data)
    events = cal.walk("VEVENT")
    assert events
    allowed = {"UID", "STATUS", "SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "DESCRIPTION", "URL"}
    for event in events:
        assert set(event.keys()) <= allowed, set(event.keys()) - allowed
        assert hostile["payload"] in str(event["DESCRIPTION"]).splitlines()[0]
    # Every physical line is a property, a folded continuation or BEGIN/END: nothing injected.
    for line in raw.split("\r\n"):
        assert line == "" or line[0] == " " or re.match(r"^[A-Z][A-Z0-9-]*[;:]", line), line
    _db.session.remove()
