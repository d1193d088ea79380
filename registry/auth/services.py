"""Users, passwords and API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime
from datetime import timedelta

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from registry.audit.services import record_updated
from registry.audit.services import revoke_all
from registry.auth.models import ROLES
from registry.auth.models import ApiToken
from registry.auth.models import User
from registry.auth.models import password_hash_method
from registry.compliance.calendar import revoke_tokens_created_by
from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.errors import NotFound
from registry.core.types import utcnow
from registry.extensions import db
from registry.sites.models import Organization

MIN_PASSWORD = 8  # the message below says so too
# Where the session cookie keeps the user's session_version it was made under.
SESSION_VERSION_KEY = "session_version"


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, ignoring case."""
    if "\x00" in email:  # no address holds NUL, and PostgreSQL refuses to compare with it
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def get_user(user_id: int) -> User:
    """Return a user account by id, or raise NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, else None."""
    user = find_user_by_email(email or "")
    if user is None:
        # An unknown address costs the same hash as a wrong password: the answer's time does
        # not tell which addresses have an account.
        check_password_hash(_dummy_hash(password_hash_method()), password or "")
        return None
    if not user.check_password(password or "") or not user.active:
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
    # The user comes in the same statement: every API request pays this look-up.
    stmt = (
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token))
        .options(joinedload(ApiToken.user))
    )
    row = db.session.scalar(stmt)
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if not row.user.active:
        return None
    return row.user


def revoke_token(token_id: int, *, user: User, own_only: bool = False) -> None:
    """Revoke one of the user's tokens (a regulator's: anyone's, unless own_only)."""
    row = db.session.get(ApiToken, token_id)
    anyones = user.role == "regulator" and not own_only
    if row is None or (row.user_id != user.id and not anyones):
        raise NotFound(N_("Unknown token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record_updated("api_token", [(row.id, {"revoked_at": [None, row.revoked_at]})])


def _live_tokens(now: datetime) -> ColumnElement[bool]:
    return and_(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)


def live_tokens_of(user: User) -> list[ApiToken]:
    """Return the user's live API tokens, newest first."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, _live_tokens(utcnow()))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def live_token_counts(user_ids: list[int]) -> dict[int, int]:
    """Return how many live (unexpired, unrevoked) API tokens each of these users holds."""
    if not user_ids:
        return {}
    stmt = (
        select(ApiToken.user_id, func.count())
        .where(ApiToken.user_id.in_(user_ids), _live_tokens(utcnow()))
        .group_by(ApiToken.user_id)
    )
    return {user_id: int(n) for user_id, n in db.session.execute(stmt).all()}


def revoke_tokens(user: User) -> int:
    """Revoke every live API token of the user; return how many were revoked."""
    now = utcnow()
    live = select(ApiToken.id).where(ApiToken.user_id == user.id, _live_tokens(now))
    return revoke_all(ApiToken, "api_token", live, now)


def end_sessions(user: User) -> None:
    """End every session of the user: a cookie made before now is refused from now on."""
    old = user.session_version or 0
    user.session_version = old + 1
    db.session.flush()
    record_updated("user", [(user.id, {"session_version": [old, old + 1]})])


def end_access(user: User) -> int:
    """End every session and API token of the user (a new password); return tokens revoked."""
    end_sessions(user)
    return revoke_tokens(user)


def change_password(user: User, *, current: str, new: str) -> int:
    """Change the user's own password; end every session and token; return tokens revoked."""
    if not user.check_password(current or ""):
        raise Invalid(
            N_("Invalid input."),
            errors={"current_password": [N_("This is not your current password.")]},
        )
    user.set_password(new)
    db.session.flush()
    return end_access(user)


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
    deactivated = user.active and not data.get("active")
    user.role = role
    user.organization_id = int(org_id) if org_id else None  # type: ignore[call-overload]
    user.name = data.get("name")  # type: ignore[assignment]
    user.locale = data.get("locale")  # type: ignore[assignment]
    user.active = bool(data.get("active"))
    if data.get("password"):
        user.set_password(str(data["password"]))
    db.session.flush()
    if data.get("password") or deactivated:
        # A reset password or a closed account leaves nothing open that the old one opened.
        end_access(user)
    if deactivated:
        revoke_tokens_created_by(user.id)
    return user
