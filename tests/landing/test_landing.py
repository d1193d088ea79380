"""The landing page of a scanned tag: one URL, a different view for each holder of the phone."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy import text

from registry.assets.tags import display
from registry.enforcement.services import place_red_tag
from registry.extensions import db as _db
from tests.certificates.conftest import inspect
from tests.helpers import log_in
from tests.helpers import shown


def _as(client: Any, world: dict[str, Any], role: str) -> None:
    log_in(client, world["users"][role])


def _main(html: str) -> str:
    m = re.search(r"<main[^>]*>", html)
    assert m, html[:300]
    return m.group(0)


def test_anonymous_sees_the_public_card_only(client: Any, world: dict[str, Any]) -> None:
    tank = world["tank_a"]
    resp = client.get(f"/t/{tank.tag}")
    assert resp.status_code == 200 and "no-cache" in resp.headers["Cache-Control"]
    html = resp.get_data(as_text=True)
    main = _main(html)
    assert 'data-red-tagged="false"' in main and 'data-registered="true"' in main
    assert 'data-view="public"' in main
    assert "甲加油站" in html and "储罐" in html and display(tank.tag) in html
    assert 'data-certificate="none"' in html
    assert "tag-summary" not in html and "甲公司" not in html  # no operator, contacts, findings
    assert f'href="/login?next=/t/{tank.tag}"' in html


def test_current_certificate_and_until_when(client: Any, world: dict[str, Any]) -> None:
    cert = world["cert_a"]  # issued for pipeline A
    assert cert.status == "valid"  # (issues it)
    html = client.get(f"/t/{world['pipe_a'].tag}").get_data(as_text=True)
    assert 'data-certificate="valid"' in html
    assert shown(cert.valid_until) in html and cert.number in html


def test_red_tag_banner_for_everyone(client: Any, world: dict[str, Any]) -> None:
    tank = world["tank_a"]
    place_red_tag(tank, reason="双层罐渗漏报警未处理", placed_by=world["users"]["regulator"])
    _db.session.commit()
    html = client.get(f"/t/{tank.tag}").get_data(as_text=True)
    assert 'data-red-tagged="true"' in _main(html)
    assert "red-tag-banner" in html and "禁止" in html
    assert "双层罐渗漏报警未处理" not in html  # the reason is for staff
    _as(client, world, "inspector")
    html = client.get(f"/t/{tank.tag}").get_data(as_text=True)
    assert 'data-red-tagged="true"' in _main(html) and "双层罐渗漏报警未处理" in html


def _certificate_cell(html: str) -> str:
    m = re.search(r'<dd class="certificate"[^>]*>.*?</dd>', html, re.S)
    assert m, html[:300]
    return m.group(0)


def test_red_tagged_asset_with_a_valid_certificate_says_prohibited(
    client: Any, world: dict[str, Any]
) -> None:
    pipe, cert = world["pipe_a"], world["cert_a"]
    assert cert.status == "valid"
    before = _certificate_cell(client.get(f"/t/{pipe.tag}").get_data(as_text=True))
    assert 'data-red-tagged="false"' in before and 'class="badge ok"' in before
    place_red_tag(pipe, reason="液位仪报警", placed_by=world["users"]["regulator"])
    _db.session.commit()
    for lang, words in (("zh", "禁止卸油"), ("en", "DELIVERY PROHIBITED")):
        page = client.get(f"/t/{pipe.tag}", headers={"Accept-Language": lang})
        cell = _certificate_cell(page.get_data(as_text=True))
        assert 'data-red-tagged="true"' in cell and 'class="badge bad"' in cell
        assert words in cell and cert.number in cell
        assert 'class="badge ok"' not in cell and cert.valid_until.isoformat() not in cell


def test_inspector_and_regulator_get_the_summary_and_start_an_inspection(
    client: Any, world: dict[str, Any]
) -> None:
    tank = world["tank_a"]
    inspect(
        tank,
        world["users"]["inspector"],
        result="fail",
        findings=[{"severity": "high", "description": "人孔井积油", "due_on": date(2099, 1, 1)}],
    )
    for role in ("inspector", "regulator"):
        _as(client, world, role)
        html = client.get(f"/t/{tank.tag}").get_data(as_text=True)
        assert 'data-view="summary"' in _main(html), role
        assert f"/assets/{tank.id}/inspect" in html
        assert f"/assets/{tank.id}/records/new" not in html
        assert "人孔井积油" in html  # open finding
        last = re.search(r'class="last-inspection">(.*?)</dd>', html, re.S)
        assert last and 'class="badge bad"' in last.group(1)  # last inspection: failed
        assert "双层" in html and "汽油" in html  # construction, substance
        assert 'data-state="overdue"' in html or 'data-state="due_soon"' in html


def test_own_operator_records_a_check_other_operator_sees_the_card(
    client: Any, world: dict[str, Any]
) -> None:
    tank = world["tank_a"]
    _as(client, world, "operator_a")
    html = client.get(f"/t/{tank.tag}").get_data(as_text=True)
    assert 'data-view="summary"' in _main(html)
    assert f"/assets/{tank.id}/records/new" in html
    assert f"/assets/{tank.id}/inspect" not in html
    _as(client, world, "operator_b")
    html = client.get(f"/t/{tank.tag}").get_data(as_text=True)
    assert 'data-view="public"' in _main(html) and "tag-summary" not in html
    assert f"/assets/{tank.id}" not in html


def test_viewer_reads_the_summary_without_buttons(client: Any, world: dict[str, Any]) -> None:
    tank = world["tank_a"]
    _as(client, world, "viewer")
    html = client.get(f"/t/{tank.tag}").get_data(as_text=True)
    assert 'data-view="summary"' in _main(html)
    assert "/inspect" not in html and "/records/new" not in html


def test_bearer_token_is_a_log_in_too(client: Any, world: dict[str, Any], api_headers: Any) -> None:
    headers = api_headers(world["users"]["inspector"])
    html = client.get(f"/t/{world['tank_b'].tag}", headers=headers).get_data(as_text=True)
    assert 'data-view="summary"' in _main(html)


def test_typed_forms_redirect_to_the_canonical_tag(client: Any, world: dict[str, Any]) -> None:
    tag = world["tank_a"].tag
    for typed in (tag.lower(), display(tag), display(tag).lower()):
        resp = client.get(f"/t/{typed}")
        assert resp.status_code == 301 and resp.headers["Location"].endswith(f"/t/{tag}"), typed
    confused = tag.replace("0", "O").replace("1", "I")
    if confused != tag:
        assert client.get(f"/t/{confused}").headers["Location"].endswith(f"/t/{tag}")


def _wrong_check(tag: str) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return tag[:-1] + alphabet[(alphabet.index(tag[-1]) + 1) % 32]


def test_mistyped_tag_is_a_404_in_the_users_language_with_a_box(
    client: Any, world: dict[str, Any]
) -> None:
    wrong = _wrong_check(world["tank_a"].tag)
    resp = client.get(f"/t/{wrong}", headers={"Accept-Language": "zh-CN"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404 and 'data-registered="false"' in _main(html)
    assert "未找到" in html and 'name="tag"' in html and 'action="/t/lookup"' in html
    resp = client.get("/t/NOT-A-TAG", headers={"Accept-Language": "en"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404 and "Tag not found" in html and 'name="tag"' in html


def test_lookup_box_goes_to_the_landing_page(client: Any, world: dict[str, Any]) -> None:
    tag = world["tank_a"].tag
    resp = client.get(f"/t/lookup?tag=+{display(tag).lower()}+", follow_redirects=True)
    assert resp.status_code == 200 and resp.request.path == f"/t/{tag}"
    assert client.get("/t/lookup").status_code == 200


def test_log_in_from_the_page_returns_to_it(
    client: Any, make_user: Any, world: dict[str, Any]
) -> None:
    tag = world["tank_a"].tag
    html = client.get(f"/t/{tag}").get_data(as_text=True)
    m = re.search(r'href="(/login\?next=[^"]+)"', html)
    assert m
    login_page = client.get(m.group(1).replace("&amp;", "&"))
    assert login_page.status_code == 200
    user = make_user("inspector", password="long-enough-1")
    nexts = re.findall(r'name="next" value="([^"]+)"', login_page.get_data(as_text=True))
    assert f"/t/{tag}" in nexts  # the log-in form carries the way back
    resp = client.post(
        "/login",
        data={"email": user.email, "password": "long-enough-1", "next": f"/t/{tag}"},
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/t/{tag}")
    html = client.get(f"/t/{tag}").get_data(as_text=True)
    assert 'data-view="summary"' in _main(html)


def _statements_of(client: Any, url: str) -> int:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_summary_statements_do_not_grow_with_history(client: Any, world: dict[str, Any]) -> None:
    """A scan answers in a fixed number of statements, however long the asset's history."""
    tank, inspector = world["tank_a"], world["users"]["inspector"]
    finding = [{"severity": "high", "description": "渗漏", "due_on": date(2099, 1, 1)}]
    inspect(tank, inspector, result="fail", findings=finding)
    _as(client, world, "inspector")
    first = _statements_of(client, f"/t/{tank.tag}")
    for _ in range(3):
        inspect(tank, inspector, result="fail", findings=finding)
    assert _statements_of(client, f"/t/{tank.tag}") == first
    # user, asset with its facility and tank columns, certificate, red tag, last inspection,
    # due items, open findings with their corrective actions, the facility's confirmed release
    # (and a savepoint of the test's)
    assert first <= 10


def test_a_scan_reads_the_card_in_one_statement(client: Any, world: dict[str, Any]) -> None:
    """Asset, facility, certificate, red tag and open release: one round trip, not four; a
    certificate adds the read of its stored PDF, whose hash the card checks."""
    tank, pipe, cert = world["tank_a"], world["pipe_a"], world["cert_a"]
    assert cert.status == "valid"  # (issues it)
    place_red_tag(tank, reason="渗漏", placed_by=world["users"]["regulator"])
    _db.session.commit()
    seen: list[str] = []
    html = _get_counting(client, f"/t/{tank.tag}", seen)
    assert 'data-red-tagged="true"' in _main(html)
    assert [s.split()[0] for s in seen] == ["SELECT"], seen
    seen.clear()
    html = _get_counting(client, f"/t/{pipe.tag}", seen)
    assert cert.number in html
    assert len(seen) == 2 and "FROM certificate_pdf" in seen[1], seen


def test_an_altered_certificate_is_not_shown_as_current(
    client: Any, world: dict[str, Any]
) -> None:
    cert = world["cert_a"]
    _db.session.execute(
        text("UPDATE certificate SET facility_name = '别的加油站' WHERE id = :id"), {"id": cert.id}
    )
    _db.session.commit()
    html = client.get(f"/t/{world['pipe_a'].tag}").get_data(as_text=True)
    assert 'data-certificate="none"' in html and cert.number not in html


def _get_counting(client: Any, url: str, seen: list[str]) -> str:
    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        resp = client.get(url)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)
