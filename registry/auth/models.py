"""User, ApiToken and PasswordReset."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask import has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model
from registry.sites.models import Organization

ROLES = ("operator", "inspector", "regulator", "viewer")


def password_hash_method() -> str:
    """Return the configured Werkzeug hash method for new passwords."""
    if not has_app_context():
        return "scrypt"
    return str(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The session cookie is signed, not stored: a cookie carries the version it was made
    # under, and raising this number turns every earlier cookie of the user away.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organization: Mapped[Organization | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # SHA-256 of the token: a leaked database does not leak usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordReset(Model):
    """A single-use link to set a new password, mailed on request; stored as its SHA-256."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
