"""Crawl every page reachable from "/" as each role in both languages: no server errors, no raw
codes (snake_case) as visible text, no English interface words on Chinese pages."""

from __future__ import annotations

import re
from collections import Counter
from collections import deque
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urldefrag
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from registry.monitoring.services import add_reading

MAX_PAGES = 150
PER_SHAPE = 2
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Words of the interface that a Chinese page must not show in English.
ENGLISH_WORDS = (
    "Open",
    "Save",
    "Cancel",
    "Overdue",
    "Submit",
    "Search",
    "Delete",
    "Edit",
    "Back",
    "Next",
    "Previous",
    "Field may not be null",
    "Missing data for required field",
    "Not a valid",
    "photos chosen",
    "inspections",
)
ENGLISH = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")\b")
# Dates come in one format per language (Babel's medium): no ISO or numeric short dates as text.
OTHER_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b"
)
SKIP = re.compile(r"logout|export|download|\.pdf|\.csv|\.xlsx|\.json|/static/|/api/", re.I)
HIDDEN = {"code", "script", "style", "template"}


class _Page(HTMLParser):
    """Collect a page's visible text (outside <code>, <script>, <style>) and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.text.append(data.strip())


def _same_site(href: str) -> str | None:
    """The link as a path and query (without `next`), or None for other sites and downloads."""
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or (parts.netloc not in ("", "localhost")):
        return None
    if not parts.path.startswith("/") or SKIP.search(parts.path):
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "next"])
    return parts.path + (f"?{query}" if query else "")


def _shape(url: str) -> str:
    """Pages of one kind (ids replaced, query values dropped): a few of each are enough."""
    parts = urlsplit(url)
    return (
        re.sub(r"\d+", "N", parts.path)
        + "?"
        + ",".join(sorted(k for k, _ in parse_qsl(parts.query)))
    )


def crawl(client: FlaskClient, locale: str) -> tuple[list[str], int]:
    """Visit pages breadth-first from "/"; return the problems found and the pages seen."""
    queue, seen, problems = deque(["/"]), {"/"}, []
    shapes: Counter[str] = Counter()
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        shapes[_shape(url)] += 1
        if shapes[_shape(url)] > PER_SHAPE:
            continue
        resp = client.get(url)
        visited += 1
        if resp.status_code >= 500:
            problems.append(f"{url}: HTTP {resp.status_code}")
            continue
        if resp.status_code in (301, 302, 303, 307, 308):
            target = _same_site(resp.headers.get("Location", ""))
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if not resp.content_type.startswith("text/html"):
            continue
        page = _Page()
        page.feed(resp.get_data(as_text=True))
        for text in page.text:
            for token in SNAKE.findall(text):
                problems.append(f"{url}: raw code {token!r} in {text[:80]!r}")
            for token in OTHER_DATE.findall(text):
                problems.append(f"{url}: date {token!r} in another format in {text[:80]!r}")
            if locale == "zh":
                for word in ENGLISH.findall(text):
                    problems.append(f"{url}: English {word!r} in {text[:80]!r}")
        for href in page.links:
            target = _same_site(href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return sorted(set(problems)), visited


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("role", ["operator_a", "inspector", "regulator", "viewer"])
def test_every_reachable_page_shows_labels_not_codes(
    client: FlaskClient,
    world: dict[str, Any],
    db: Any,
    make_asset: Any,
    make_facility: Any,
    role: str,
    locale: str,
) -> None:
    # Data the quality checks flag, so that their pages list findings too.
    make_asset(world["fac_a"], wall="single", material="steel", anti_seepage=None)
    make_facility(world["org_a"], name="界外加油站", latitude=30.0, longitude=100.0)
    # A rising benzene series: exceedance and rising-trend alerts and their reminders.
    for month, value in enumerate([0.02, 0.03, 0.04, 0.05, 0.06], start=1):
        add_reading(
            world["point_a"],
            entered_by=None,
            parameter="benzene",
            value=value,
            unit="mg/L",
            sampled_on=date(2026, month, 1),
        )
    user = world["users"][role]
    user.locale = locale
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    problems, visited = crawl(client, locale)
    assert visited > 5, f"the crawl reached only {visited} pages"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_scan_pages_open_button_is_not_the_open_status(
    client: FlaskClient, world: dict[str, Any], db: Any
) -> None:
    # "Open" is both a button and a corrective action's status (未整改): contexts keep them apart.
    user = world["users"]["inspector"]
    user.locale = "zh"
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
    resp = client.get("/scan")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert ">打开</button>" in page
    assert "未整改" not in page
