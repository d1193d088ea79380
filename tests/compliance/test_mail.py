"""Digests received by a real SMTP server (aiosmtpd) and parsed with the email package."""

from __future__ import annotations

import socket
from datetime import date
from email.message import Message
from typing import Any

import pytest

from registry.extensions import db as _db
from tests.smtp_server import Inbox


def _body(msg: Message, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))  # type: ignore[attr-defined]
    assert part is not None
    return str(part.get_content())


def _send(app: Any, day: str) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "--send", "--as-of", day])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_digests_once_a_day_in_each_language(
    app: Any, smtp: Inbox, make_org: Any, make_facility: Any, make_asset: Any, make_user: Any
) -> None:
    org = make_org(contact_email="contact@station.example.cn")
    fac = make_facility(org, registered_on=date(2026, 1, 5))  # report due then: overdue on 11-20
    tank = make_asset(fac)
    english = make_user(
        "operator", organization=org, email="ops-en@station.example.cn", locale="en"
    )
    make_user("operator", organization=org, email="ops-zh@station.example.cn")
    make_user("regulator", email="boss@bureau.example.cn", locale="en")
    _db.session.commit()

    out = _send(app, "2026-11-20")
    assert f"org:{org.id}" in out
    mine = [(to, m) for to, m in smtp.messages if "station.example.cn" in to[0]]
    assert sorted(to[0] for to, _ in mine) == [
        "contact@station.example.cn",
        english.email,
        "ops-zh@station.example.cn",
    ]
    by_to = {to[0]: m for to, m in mine}
    en, zh = by_to[english.email], by_to["ops-zh@station.example.cn"]
    assert en["Content-Language"] == "en" and zh["Content-Language"] == "zh"
    assert "Regular patrol" in _body(en, "plain") and "定期巡检" in _body(zh, "plain")
    assert "定期巡检" in _body(by_to["contact@station.example.cn"], "html")  # DEFAULT_LOCALE zh
    link = f"http://registry.test/assets/{tank.id}/records/new?activity=patrol"
    assert link in _body(en, "plain")
    assert f'href="{link}"' in _body(en, "html")
    facility_link = (
        f"http://registry.test/facilities/{fac.id}/records/new?activity=basic_information_report"
    )
    assert facility_link in _body(en, "plain")

    escalations = [m for to, m in smtp.messages if to == ["boss@bureau.example.cn"]]
    assert len(escalations) == 1
    assert "Regular patrol" in _body(escalations[0], "plain")  # overdue for years

    count = len(smtp.messages)
    out = _send(app, "2026-11-20")  # the same day again: nothing more
    assert len(smtp.messages) == count
    assert "skipped" in out
    _send(app, "2026-11-21")  # the next day: a new digest
    assert len([to for to, _ in smtp.messages if to == [english.email]]) == 2


def test_no_items_no_digest(app: Any, smtp: Inbox, make_org: Any, make_user: Any) -> None:
    org = make_org(contact_email="quiet@example.cn")
    make_user("operator", organization=org)
    _send(app, "2026-11-20")
    assert not [to for to, _ in smtp.messages if to == ["quiet@example.cn"]]


def _closed_port() -> int:
    """A port nothing listens on: connecting is refused, as with a mail server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _digest_rows(key: str) -> int:
    from sqlalchemy import func
    from sqlalchemy import select

    from registry.compliance.models import DigestLog

    return int(
        _db.session.scalar(
            select(func.count()).select_from(DigestLog).where(DigestLog.recipient_key == key)
        )
    )


def test_mail_server_down_fails_loudly_and_the_next_run_sends(
    app: Any,
    smtp: Inbox,
    make_org: Any,
    make_facility: Any,
    make_asset: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = make_org(contact_email="down@station.example.cn")
    make_asset(make_facility(org))
    up = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", _closed_port())

    result = app.test_cli_runner().invoke(args=["reminders", "--send", "--as-of", "2026-11-20"])
    assert result.exit_code == 1, result.output
    assert f"FAILED org:{org.id}: mail not sent" in result.output
    assert "digest(s) not sent for 2026-11-20" in result.output
    assert "already sent" not in result.output
    assert _digest_rows(f"org:{org.id}") == 0  # nothing marked sent

    monkeypatch.setitem(app.config, "SMTP_PORT", up)
    out = _send(app, "2026-11-20")  # the server is back: the same day's digest goes out
    assert f"sent org:{org.id}" in out
    assert [to for to, _ in smtp.messages if to == ["down@station.example.cn"]]
    assert _digest_rows(f"org:{org.id}") == 1


def test_a_refused_message_releases_its_claim(
    app: Any, smtp: Inbox, make_org: Any, make_facility: Any, make_asset: Any
) -> None:
    org = make_org(contact_email="refused@station.example.cn")
    make_asset(make_facility(org))

    async def refuse(server: Any, session: Any, envelope: Any) -> str:
        return "451 try again later"

    smtp.handle_DATA = refuse  # type: ignore[method-assign]
    result = app.test_cli_runner().invoke(args=["reminders", "--send", "--as-of", "2026-11-20"])
    assert result.exit_code == 1 and f"FAILED org:{org.id}" in result.output
    assert _digest_rows(f"org:{org.id}") == 0


def test_a_line_break_in_a_name_fails_that_digest_only(
    app: Any, smtp: Inbox, make_org: Any, make_facility: Any, make_asset: Any
) -> None:
    bad = make_org(contact_email="bad@station.example.cn")
    good = make_org(contact_email="good@station.example.cn")
    make_asset(make_facility(bad))
    make_asset(make_facility(good))
    # Written straight to the row, as an older version or an import could have left it.
    bad.name = "Bad\nBcc: victim@example.com"
    _db.session.commit()

    result = app.test_cli_runner().invoke(args=["reminders", "--send", "--as-of", "2026-11-20"])
    assert result.exit_code == 1, result.output
    assert f"FAILED org:{bad.id}: the name" in result.output
    assert "line break" in result.output
    assert f"sent org:{good.id}" in result.output  # the run went on with the others
    tos = [to for to, _ in smtp.messages]
    assert ["good@station.example.cn"] in tos and ["bad@station.example.cn"] not in tos
    assert not [to for to in tos if "victim@example.com" in to]
    assert _digest_rows(f"org:{bad.id}") == 0 and _digest_rows(f"org:{good.id}") == 1
