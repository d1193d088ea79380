"""Forgotten passwords: a single-use, expiring link by mail sets a new one."""

from __future__ import annotations

import logging
import secrets
import smtplib
from datetime import datetime
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr
from email.utils import make_msgid

from flask import current_app
from flask import render_template
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import update

from registry.audit.services import acting_as
from registry.audit.services import record_updated
from registry.auth.models import PasswordReset
from registry.auth.models import User
from registry.auth.services import end_access
from registry.auth.services import find_user_by_email
from registry.auth.services import hash_token
from registry.compliance.mail import send_messages
from registry.core.types import utcnow
from registry.extensions import db

log = logging.getLogger(__name__)


def request_reset(email: str) -> tuple[User, str] | None:
    """Issue a reset link for the active account with this address: (user, token), else None."""
    user = find_user_by_email(email or "")
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    now = utcnow()
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.session.flush()
    return user, token


def reset_link(token: str) -> str:
    """Return the public address of the reset form for this token."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return base + url_for("auth_reset.password_reset", token=token)


def _message(user: User, token: str) -> EmailMessage:
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    with force_locale(locale):
        text = render_template(
            "mail/password_reset.txt", link=reset_link(token), minutes=minutes, email=user.email
        )
        subject = _("Set a new password")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = formataddr(("", user.email))
    msg["Message-ID"] = make_msgid(domain="ust-registry")
    msg.set_content(text)
    msg["Content-Language"] = locale
    return msg


def mail_reset(user: User, token: str) -> bool:
    """Mail the reset link to the account's address; False (and a log line) if it failed."""
    try:
        send_messages([_message(user, token)])
    except (OSError, smtplib.SMTPException) as exc:
        # The answer page stays the same: a failure here must not tell the address exists.
        log.warning("password reset mail to user %s not sent: %s", user.id, exc)
        return False
    return True


def live_reset(token: str) -> PasswordReset | None:
    """Return the unused, unexpired reset of an active account for this token, else None."""
    if not token or "\x00" in token:
        return None
    row = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row if row.user.active else None


def _spend(reset: PasswordReset, now: datetime) -> bool:
    """Mark this link and every other open link of its user used; False if already spent."""
    spent = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    # Two tabs posting the same link at once: the row update decides which one wins.
    if getattr(spent, "rowcount", 0) != 1:
        return False
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return True


def complete_reset(reset: PasswordReset, password: str) -> User | None:
    """Set the new password, spend the user's open links, end every session and token.

    None if the link was spent meanwhile.
    """
    user = reset.user
    now = utcnow()
    if not _spend(reset, now):
        return None
    with acting_as(user.email, user.id):
        user.set_password(password)
        db.session.flush()
        record_updated("user", [(user.id, {"password_reset_at": [None, now]})])
        end_access(user)
    return user
