"""The one access policy: may this user do this to this row, and which rows may they see.

Operators are confined to their organization inside the query itself (`scope_*`), so a
row of another organization is never loaded; asking for one by id answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Protocol
from typing import TypeVar

from sqlalchemy import Select

from registry.core.errors import N_
from registry.core.errors import Forbidden
from registry.core.errors import NotFound
from registry.extensions import db

S = TypeVar("S", bound=Select[Any])
R = TypeVar("R")

# action -> roles allowed (operators additionally only on rows of their organization)
_RULES: dict[str, set[str]] = {
    "view": {"operator", "inspector", "regulator", "viewer"},
    "export": {"operator", "regulator", "viewer"},
    "edit": {"operator", "regulator"},
    "create_facility": {"operator", "regulator"},
    "create_asset": {"operator", "regulator"},
    "manage_organizations": {"regulator"},
    "manage_users": {"regulator"},
    "manage_receptors": {"regulator"},
    "print_labels": {"operator", "inspector", "regulator"},
    "record_activity": {"operator", "inspector", "regulator"},
    "inspect": {"inspector", "regulator"},
    "issue_certificate": {"inspector", "regulator"},
    "revoke_certificate": {"regulator"},
    "red_tag": {"inspector", "regulator"},
    "review_filing": {"regulator"},
    "submit_filing": {"operator", "regulator"},
    "import": {"operator", "regulator"},
    "record_monitoring": {"operator", "inspector", "regulator"},
    "report_release": {"operator", "inspector", "regulator"},
    "close_release": {"regulator"},
    "view_measures": {"regulator", "viewer"},
    # Inspectors and regulators visit; an operator only self-investigates its own facility.
    "compliance_inspect": {"operator", "inspector", "regulator"},
    "correct_violation": {"operator", "regulator"},
    "plan_inspections": {"regulator"},
    "see_inspection_due": {"inspector", "regulator", "viewer"},
}


class Principal(Protocol):
    is_authenticated: bool
    role: str
    organization_id: int | None


@dataclass(frozen=True)
class Requester:
    """Who asks, as plain values: what the policy and the scoped queries read of a user.

    Unlike the user object it stays readable after the request's session has ended, e.g. in
    a streamed response, where the user is expired and detached.
    """

    id: int
    role: str
    organization_id: int | None
    is_authenticated: bool = True

    @classmethod
    def of(cls, user: Any) -> Requester:
        """Copy a logged-in user's id, role and organization."""
        return cls(id=user.id, role=user.role, organization_id=user.organization_id)


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == "operator"


def owns(user: Any, organization_id: int | None) -> bool:
    """Say whether an operator belongs to the organization of a row."""
    return (
        is_operator(user)
        and organization_id is not None
        and user.organization_id == organization_id
    )


def can(user: Any, action: str, organization_id: int | None = None) -> bool:
    """Say whether the user may do `action` on a row of `organization_id` (None: no row)."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = _RULES.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}")
    if user.role not in roles:
        return False
    if user.role == "operator" and organization_id is not None:
        return bool(user.organization_id == organization_id)
    return True


def role_may(user: Any, action: str) -> bool:
    """Say whether the user's role may ever do `action`, on any row."""
    return can(user, action)


def can_see(user: Any, organization_id: int | None) -> bool:
    """Say whether the row exists for this user at all."""
    return can(user, "view", organization_id)


def require(user: Any, action: str, organization_id: int | None = None) -> None:
    """Raise NotFound when the row is hidden from the user, Forbidden when the act is."""
    if organization_id is not None and not can_see(user, organization_id):
        raise NotFound(N_("The page or record you asked for does not exist."))
    if not can(user, action, organization_id):
        raise Forbidden(N_("You are not allowed to do this."))


def scope(stmt: S, user: Any, organization_column: Any) -> S:
    """Confine a select to the rows the user may see."""
    if is_operator(user):
        return stmt.where(organization_column == user.organization_id)
    return stmt


def visible_one(stmt: Select[R], user: Any, organization_column: Any, missing: str) -> R:
    """The row `stmt` selects if the user may see it (scope), else NotFound(`missing`)."""
    row = db.session.scalar(scope(stmt, user, organization_column))
    if row is None:
        raise NotFound(missing)
    return row
