"""Domain errors that views and the API map to HTTP statuses in one place."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for the catalogs; it is translated where it is shown, not here."""
    return message


class DomainError(Exception):
    """Base of the errors that services raise."""

    status = 400

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra


class NotFound(DomainError):
    """The row does not exist, or the user may not know that it does."""

    status = 404


class Forbidden(DomainError):
    """The user is known but may not do this."""

    status = 403


class Invalid(DomainError):
    """The input breaks a rule; `errors` holds a message per field."""

    status = 422


class Conflict(DomainError):
    """The row changed since the client read it, or a duplicate."""

    status = 409
