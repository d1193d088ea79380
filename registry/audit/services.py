"""Record every change of audited rows, whatever path (web, API, CLI) made it."""

from __future__ import annotations

import contextlib
import contextvars
import decimal
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from registry.audit.models import AuditEvent
from registry.core.types import utcnow
from registry.extensions import db

_AUDITED: dict[type, str] = {}
_IGNORED_FIELDS = {"version", "created_at", "updated_at"}
_cli_actor: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar(
    "cli_actor", default=None
)


class AppendOnlyError(RuntimeError):
    """The audit log is never updated or deleted."""


def audited(entity: str):  # type: ignore[no-untyped-def]
    """Class decorator: log every insert, update and delete of this model as `entity`."""

    def wrap(cls: type) -> type:
        register(cls, entity)
        return cls

    return wrap


def register(cls: type, entity: str) -> None:
    """Log every change of rows of `cls` (and its subclasses) under the name `entity`."""
    _AUDITED[cls] = entity
    for klass in _with_subclasses(cls):
        _keep_old_values(klass)


def _with_subclasses(cls: type) -> list[type]:
    out = [cls]
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        out.extend(_with_subclasses(sub))
    return out


def _keep_old_values(cls: type) -> None:
    """Load a column's old value before it is overwritten, even when it was expired."""
    mapper: Any = inspect(cls)
    for attr in mapper.column_attrs:
        if attr.key in _IGNORED_FIELDS:
            continue
        attribute = getattr(cls, attr.key)
        if not event.contains(attribute, "set", _noop):
            event.listen(attribute, "set", _noop, active_history=True)


def _noop(target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
    """A set-listener whose only job is to make SQLAlchemy keep the old value."""


@contextlib.contextmanager
def acting_as(label: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute changes made outside a request (CLI, jobs) to `label`."""
    token = _cli_actor.set((user_id, label))
    try:
        yield
    finally:
        _cli_actor.reset(token)


def _actor() -> tuple[int | None, str]:
    forced = _cli_actor.get()
    if forced is not None:
        return forced
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.email
        return None, "anonymous"
    return None, "system"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _entity_of(obj: object) -> str | None:
    for cls in type(obj).__mro__:
        if cls in _AUDITED:
            return _AUDITED[cls]
    return None


def _columns(obj: object) -> list[str]:
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in _IGNORED_FIELDS]


def _diff(obj: object, action: str) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        if action == "create":
            new = getattr(obj, key)
            if new is not None and new != []:
                changes[key] = [None, _plain(new)]
        elif action == "delete":
            old = getattr(obj, key)
            changes[key] = [_plain(old), None]
        else:
            hist = get_history(obj, key)
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if _plain(old) != _plain(new):
                    changes[key] = [_plain(old), _plain(new)]
    return changes


def _event(obj: Any, action: str, changes: dict[str, list[Any]], row_id: int) -> dict[str, Any]:
    user_id, label = _actor()
    return {
        "at": utcnow(),
        "user_id": user_id,
        "actor": label,
        "action": action,
        "entity": _entity_of(obj),
        "row_id": row_id,
        "changes": changes,
    }


def _collect_before(session: Session) -> list[dict[str, Any]]:
    """Updates and deletes, read while the rows are still in the database."""
    rows: list[dict[str, Any]] = []
    for obj in session.dirty:
        if _entity_of(obj) is None or not session.is_modified(obj, include_collections=False):
            continue
        changes = _diff(obj, "update")
        if changes:
            rows.append(_event(obj, "update", changes, inspect(obj).identity[0]))
    for obj in session.deleted:
        if _entity_of(obj) is not None:
            rows.append(_event(obj, "delete", _diff(obj, "delete"), inspect(obj).identity[0]))
    return rows


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AppendOnlyError("audit events are never changed or deleted")
    session.info.setdefault("audit_pending", []).extend(_collect_before(session))


@event.listens_for(Session, "after_flush")
def _write_events(session: Session, flush_context: Any) -> None:
    rows = session.info.pop("audit_pending", [])
    for obj in session.new:
        if _entity_of(obj) is not None:
            rows.append(_event(obj, "create", _diff(obj, "create"), obj.id))  # type: ignore[attr-defined]
    if rows:
        # Core insert on the flush's own connection: same transaction, no nested flush.
        session.connection().execute(insert(AuditEvent), rows)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop("audit_pending", None)


def history(entity: str, row_id: int, *, limit: int = 200) -> list[AuditEvent]:
    """Return the change history of one row, newest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.row_id == row_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def record_created(entity: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Log the creation of rows inserted in bulk (past the ORM hook): one event per row."""
    _record_bulk(
        "create",
        entity,
        [
            (
                row_id,
                {
                    k: [None, v.isoformat() if isinstance(v, date) else v]
                    for k, v in values.items()
                    if k not in _IGNORED_FIELDS and v is not None and v != []
                },
            )
            for row_id, values in rows
        ],
    )


def record_updated(entity: str, rows: list[tuple[int, dict[str, list[Any]]]]) -> None:
    """Log changes made in bulk (past the ORM hook): one event per row, {field: [old, new]}."""
    _record_bulk(
        "update",
        entity,
        [
            (row_id, {k: [_plain(old), _plain(new)] for k, (old, new) in changes.items()})
            for row_id, changes in rows
        ],
    )


def revoke_all(model: Any, entity: str, live: Any, now: datetime) -> int:
    """Set `revoked_at` on the rows whose ids `live` selects, logged; return how many."""
    ids = list(db.session.scalars(live))
    if ids:
        db.session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )
        record_updated(entity, [(i, {"revoked_at": [None, now]}) for i in ids])
    return len(ids)


def _record_bulk(action: str, entity: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    if not rows:
        return
    user_id, label = _actor()
    at = utcnow()
    events = [
        {
            "at": at,
            "user_id": user_id,
            "actor": label,
            "action": action,
            "entity": entity,
            "row_id": row_id,
            "changes": changes,
        }
        for row_id, changes in rows
    ]
    # Core, not ORM, bulk insert: thousands of rows without per-row ORM bookkeeping.
    table: Any = AuditEvent.__table__
    db.session.execute(insert(table), events)
