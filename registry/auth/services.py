"""Users, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from registry.auth.models import ROLES
from registry.auth.models import ApiToken
from registry.auth.models import User
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.types import utcnow
from registry.extensions import db
from registry.sites.models import Organization

MIN_PASSWORD = 8  # the message below says so too


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, ignoring case."""
    if "\x00" in email:  # no address holds NUL, and PostgreSQL refuses to compare with it
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, else None."""
    user = find_user_by_email(email or "")
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    user.last_login_at = utcnow()
    return user


def create_user(
    *,
    email: str,
    password: str,
    role: str,
    organization: Organization | None = None,
    name: str | None = None,
    locale: str | None = None,
) -> User:
    """Create a user; an operator must belong to an organization, others to none."""
    errors: dict[str, list[str]] = {}
    if role not in ROLES:
        errors["role"] = [N_("Not a valid role.")]
    if role == "operator" and organization is None:
        errors["organization_id"] = [N_("An operator belongs to an organization.")]
    if role != "operator" and organization is not None:
        errors["organization_id"] = [N_("Only operators belong to an organization.")]
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = [N_("The password needs at least 8 characters.")]
    if "@" not in (email or ""):
        errors["email"] = [N_("Not a valid email address.")]
    elif find_user_by_email(email) is not None:
        errors["email"] = [N_("This e-mail address is already registered.")]
    if errors:
        raise Invalid(N_("Invalid input."), errors=errors)
    user = User(
        email=email.strip().lower(),
        role=role,
        organization_id=organization.id if organization else None,
        name=name,
        locale=locale,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def issue_token(user: User, *, days: int, name: str | None = None) -> str:
    """Create an API token for the user and return it; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hash_token(token),
            name=name,
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """Return the user of a live (unexpired, unrevoked) token, else None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if not row.user.active:
        return None
    return row.user


def revoke_token(token_id: int, *, user: User) -> None:
    """Revoke one of the user's tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and user.role != "regulator"):
        from registry.core.errors import NotFound

        raise NotFound(N_("Unknown token."))
    row.revoked_at = utcnow()


def update_user(user: User, data: dict[str, object], *, by: User) -> User:
    """Change a user's role, organization, name, language, active flag or password."""
    role = str(data["role"])
    org_id = data.get("organization_id")
    errors: dict[str, list[str]] = {}
    if role == "operator" and not org_id:
        errors["organization_id"] = [N_("An operator belongs to an organization.")]
    if role != "operator" and org_id:
        errors["organization_id"] = [N_("Only operators belong to an organization.")]
    if org_id and db.session.get(Organization, org_id) is None:
        errors["organization_id"] = [N_("No such organization.")]
    if user.id == by.id and (role != user.role or not data.get("active", True)):
        errors["role"] = [N_("You cannot demote or deactivate yourself.")]
    if errors:
        raise Invalid(N_("Invalid input."), errors=errors)
    user.role = role
    user.organization_id = int(org_id) if org_id else None  # type: ignore[call-overload]
    user.name = data.get("name")  # type: ignore[assignment]
    user.locale = data.get("locale")  # type: ignore[assignment]
    user.active = bool(data.get("active"))
    if data.get("password"):
        user.set_password(str(data["password"]))
    db.session.flush()
    return user
