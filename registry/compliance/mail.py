"""Reminder digests by mail: one per operator organization a day, and escalations to regulators."""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr
from email.utils import make_msgid

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.auth.models import User
from registry.compliance.calendar import record_link
from registry.compliance.due import DueItem
from registry.compliance.models import DigestLog
from registry.compliance.services import due_items
from registry.extensions import db
from registry.sites.models import Organization


@dataclass
class SendReport:
    sent: list[tuple[str, list[str], int]] = field(default_factory=list)  # key, to, items
    skipped: list[str] = field(default_factory=list)  # already sent that day
    # key, why: nothing is recorded for these, so the next run sends them.
    failed: list[tuple[str, str]] = field(default_factory=list)
    server_down: bool = False


# The server cannot be reached: every further digest would wait for the same timeout.
_SERVER_DOWN = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)


def _recipients(org: Organization, users: list[User]) -> list[tuple[str, str]]:
    """Return (address, locale) for the contact and each operator user, without repeats."""
    default = current_app.config["DEFAULT_LOCALE"]
    locales = {u.email.lower(): (u.locale or default) for u in users}
    found: dict[str, str] = {}
    if org.contact_email:
        found[org.contact_email.lower()] = locales.get(org.contact_email.lower(), default)
    for user in users:
        found.setdefault(user.email.lower(), user.locale or default)
    return list(found.items())


def _message(
    to: str,
    locale: str,
    *,
    items: list[DueItem],
    heading: str,
    org_names: dict[int, str],
    as_of: date,
    escalation: bool,
) -> EmailMessage:
    base = current_app.config["PUBLIC_BASE_URL"]
    with force_locale(locale):
        context = {
            "items": items,
            "locale": locale,
            "link": lambda item: record_link(item, base),
            "heading": heading,
            "org_names": org_names,
            "as_of": as_of,
            "escalation": escalation,
            "base_url": base,
        }
        text = render_template("mail/reminders.txt", **context)
        html = render_template("mail/reminders.html", **context)
        subject = (
            ngettext(
                "Overdue obligations past %(num)s day",
                "Overdue obligations past %(num)s days",
                current_app.config["ESCALATION_DAYS"],
            )
            if escalation
            else _(
                "Compliance reminders: %(overdue)s overdue, %(soon)s due soon",
                overdue=sum(1 for i in items if i.state == "overdue"),
                soon=sum(1 for i in items if i.state == "due_soon"),
            )
        )
    msg = EmailMessage()
    msg["Subject"] = f"{subject} · {heading}"
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = formataddr(("", to))
    msg["Message-ID"] = make_msgid(domain="ust-registry")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg["Content-Language"] = locale  # after: Content-* headers move into the first part
    return msg


def _already_sent(key: str, day: date) -> bool:
    """Whether today's digest for `key` is recorded as sent."""
    found = db.session.scalar(
        select(DigestLog.id).where(DigestLog.recipient_key == key, DigestLog.digest_on == day)
    )
    return found is not None


def send_messages(messages: list[EmailMessage]) -> None:
    """Send the messages over one SMTP connection to SMTP_HOST:SMTP_PORT."""
    host, port = current_app.config["SMTP_HOST"], current_app.config["SMTP_PORT"]
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        for msg in messages:
            smtp.send_message(msg)


def send_digests(*, as_of: date, organization_id: int | None = None) -> SendReport:
    """Mail each organization's digest (once per day) and the regulators' escalation digest."""
    report = SendReport()
    items = due_items(None, as_of=as_of, organization_id=organization_id)
    orgs = {o.id: o for o in db.session.scalars(select(Organization)).all()}
    names = {o.id: o.name for o in orgs.values()}
    users = db.session.scalars(select(User).where(User.active.is_(True))).all()
    by_org: dict[int, list[DueItem]] = {}
    for item in items:
        by_org.setdefault(item.organization_id, []).append(item)
    for org_id, org_items in sorted(by_org.items()):
        org = orgs[org_id]
        operators = [u for u in users if u.role == "operator" and u.organization_id == org_id]
        to = _recipients(org, operators)
        _deliver(report, f"org:{org_id}", as_of, to, org_items, org.name, names, False)
    if organization_id is None:
        late = [i for i in items if i.days_overdue > current_app.config["ESCALATION_DAYS"]]
        default = current_app.config["DEFAULT_LOCALE"]
        regs = [(u.email.lower(), u.locale or default) for u in users if u.role == "regulator"]
        if late and regs:
            with force_locale(default):
                heading = _("Escalation")
            _deliver(report, "regulators", as_of, regs, late, heading, names, True)
    return report


def _deliver(
    report: SendReport,
    key: str,
    as_of: date,
    to: list[tuple[str, str]],
    items: list[DueItem],
    heading: str,
    names: dict[int, str],
    escalation: bool,
) -> None:
    """Send one digest; record it as sent only once the server has taken every message."""
    if not to:
        return
    if _already_sent(key, as_of):
        report.skipped.append(key)
        return
    if report.server_down:
        report.failed.append((key, "not tried: the mail server could not be reached"))
        return
    try:
        messages = _messages(to, items, heading, names, as_of, escalation)
    except ValueError as exc:
        report.failed.append((key, str(exc)))
        return
    addresses = [a for a, _ in to]
    try:
        # The claim is a savepoint held while the mail goes out: a failed send rolls it back
        # (nothing is marked sent that was not sent), and a concurrent run's claim of the same
        # digest waits for this one and then fails on the unique constraint.
        with db.session.begin_nested():
            db.session.add(
                DigestLog(
                    recipient_key=key, digest_on=as_of, recipients=addresses, item_count=len(items)
                )
            )
            db.session.flush()
            send_messages(messages)
    except IntegrityError:  # another run sent it a moment ago
        report.skipped.append(key)
        return
    except (OSError, smtplib.SMTPException) as exc:
        report.server_down = isinstance(exc, _SERVER_DOWN)
        report.failed.append((key, f"mail not sent: {exc!r}"))
        return
    db.session.commit()
    report.sent.append((key, addresses, len(items)))


def _messages(
    to: list[tuple[str, str]],
    items: list[DueItem],
    heading: str,
    names: dict[int, str],
    as_of: date,
    escalation: bool,
) -> list[EmailMessage]:
    """Write one message per recipient; ValueError names what cannot go into a mail."""
    if any(c in heading for c in "\r\n"):
        raise ValueError(
            f"the name {heading!r} holds a line break, which cannot go into a mail subject;"
            " correct the organization's name"
        )
    return [
        _message(
            a,
            loc,
            items=items,
            heading=heading,
            org_names=names,
            as_of=as_of,
            escalation=escalation,
        )
        for a, loc in to
    ]
