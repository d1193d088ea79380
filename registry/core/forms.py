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
        return None, translate_errors(messages)
