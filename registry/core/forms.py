"""Run an HTML form post through the same marshmallow schema as the API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from werkzeug.datastructures import MultiDict

from registry.core.schemas import form_input
from registry.core.schemas import translate_errors

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
