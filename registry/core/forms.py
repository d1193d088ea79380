"""Run an HTML form post through the same marshmallow schema as the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any
from typing import Generic
from typing import TypeVar

from flask import flash
from flask import request
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from werkzeug.datastructures import MultiDict

from registry.core.confirm import asks_confirmation
from registry.core.errors import Conflict
from registry.core.errors import DomainError
from registry.core.schemas import form_input
from registry.core.schemas import translate_errors
from registry.extensions import db

T = TypeVar("T")

_NOT_DATA = {"csrf_token", "submit", "next"}


def form_to_dict(form: MultiDict[str, str], schema: Schema) -> dict[str, Any]:
    """Turn a MultiDict into what the schema expects (lists for List fields, bools for boxes)."""
    data: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.dump_only:
            continue
        if isinstance(field, fields.List):
            if key in form or f"{key}__present" in form:
                data[key] = [v for v in form.getlist(key) if v != ""]
        elif isinstance(field, fields.Dict):
            # Inputs named `key.sub` (e.g. last_done.patrol); blank ones are not given.
            given = {k[len(key) + 1 :]: v for k, v in form.items() if k.startswith(f"{key}.")}
            if any(v != "" for v in given.values()):
                data[key] = {k: v for k, v in given.items() if v != ""}
        elif isinstance(field, fields.Boolean):
            if key in form or f"{key}__present" in form:
                data[key] = form.get(key) in ("on", "true", "1", "yes", "y")
        elif key in form:
            data[key] = form.get(key)
    return data


def load_form(
    schema: Schema, form: MultiDict[str, str], **kwargs: Any
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Validate a form; return (data, {}) or (None, errors per field, translated)."""
    raw = form_to_dict(form, schema)
    try:
        with form_input():
            return schema.load(raw, **kwargs), {}
    except ValidationError as err:
        messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        maps = {f.data_key or n for n, f in schema.fields.items() if isinstance(f, fields.Dict)}
        return None, flat_errors(translate_errors(messages), maps)


def flat_errors(errors: dict[str, Any], maps: set[str]) -> dict[str, Any]:
    """Messages of a map's entries under their input's name: {"last_done.patrol": [...]}.

    Marshmallow nests a Dict field's errors by key (and "key"/"value" inside); a form shows
    each beside its own input.
    """
    out: dict[str, Any] = {}
    for name, messages in errors.items():
        if name not in maps or not isinstance(messages, dict):
            out[name] = messages
            continue
        for sub, inner in messages.items():
            if isinstance(inner, dict):
                inner = [m for part in inner.values() for m in part]
            out[f"{name}.{sub}"] = inner
    return out


def errors_of(exc: DomainError) -> dict[str, Any]:
    """A service's refusal as form errors: per field, or one for the whole form (translated).

    A stale version (a Conflict without fields) says so under `_conflict`, which the form
    shows above the kept input.
    """
    if isinstance(exc, Conflict) and not exc.errors:
        return {
            "_conflict": _(
                "This record was changed by someone else since you opened it. "
                "Your input is kept below; the page now holds the current version."
            )
        }
    return translate_errors(exc.errors) or {"_schema": [translate_errors(exc.message)]}


def form_status(errors: dict[str, Any]) -> int:
    """The status of a form page: 200, 409 for a stale version, 422 for refused input."""
    if not errors:
        return 200
    return 409 if "_conflict" in errors else 422


@dataclass
class Submitted(Generic[T]):
    """What became of a posted form: the service's result, or the errors to show."""

    result: T | None = None
    errors: dict[str, Any] = dc_field(default_factory=dict)
    # 422 for input the schema refused; the service's own status (403, 409, ...) otherwise.
    status: int = 200
    # The page that asks before an official act (core.confirm), when the post asked for it.
    confirmation: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> T:
        """The service's result of an accepted form (a created row, say)."""
        assert self.result is not None, "read only after `ok`"
        return self.result


def submit(
    schema: Schema,
    form: MultiDict[str, str],
    action: Callable[[dict[str, Any]], T],
    *,
    confirm: Callable[[dict[str, Any]], Any] | None = None,
    loader: Callable[..., tuple[dict[str, Any] | None, dict[str, Any]]] | None = None,
    **load_kwargs: Any,
) -> Submitted[T]:
    """Validate a posted form, run the service on it and commit; or roll back and say why.

    The one flow of every HTML form: the schema's messages per field when the input is
    refused, the service's (errors_of) when it refuses, nothing half-saved either way. An
    official act passes `confirm`, which makes the page that asks first when the post came
    from an asking button (`Submitted.confirmation`); `loader` replaces load_form (a form
    whose times are local, say).
    """
    data, errors = (loader or load_form)(schema, form, **load_kwargs)
    if data is None:
        return Submitted(errors=errors, status=422)
    if confirm is not None and asks_confirmation(form):
        return Submitted(confirmation=confirm(data))
    try:
        result = action(data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        maps = {f.data_key or n for n, f in schema.fields.items() if isinstance(f, fields.Dict)}
        return Submitted(errors=flat_errors(errors_of(exc), maps), status=exc.status)
    return Submitted(result=result)


def keep_current_version(values: dict[str, Any], model: Any, row_id: int) -> None:
    """After a refusal, show the form again against the row as it is now.

    A stale version becomes the current one, so that saving again overwrites knowingly.
    """
    row = db.session.get(model, row_id)
    if row is not None:
        values["version"] = row.version


def edit_versioned(
    row: Any,
    schema: Schema,
    change: Callable[[dict[str, Any], int | None], Any],
    shown: Callable[[], dict[str, Any]],
    *,
    form: MultiDict[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The edit page of a versioned row: None once saved (and "Saved." flashed), else the
    values and errors to show.

    GET shows `shown()` with the row's version. A POST runs `form` (the request's) through
    `schema` into `change(data, version)`; refused, the page shows the input as posted against
    the row's current version (keep_current_version).
    """
    if request.method != "POST":
        return shown() | {"version": row.version}, {}
    values: dict[str, Any] = request.form.to_dict()
    done = submit(
        schema,
        request.form if form is None else form,
        lambda data: change(data, data.pop("version", None)),
    )
    if done.ok:
        flash(_("Saved."), "success")
        return None
    keep_current_version(values, type(row), row.id)
    return values, done.errors
