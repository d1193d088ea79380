"""Form posts of releases: a `datetime-local` input has no zone; it means the district's."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from registry.core.dates import local_zone
from registry.core.forms import load_form

_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
MOMENTS = ("discovered_at", "done_at", "confirmed_at", "due_at")


def _zoned(text: str) -> str:
    """Add the district's offset on that day to a naive `YYYY-MM-DDTHH:MM` (summer time too)."""
    if not _NAIVE.match(text):
        return text
    try:
        return datetime.fromisoformat(text).replace(tzinfo=local_zone()).isoformat()
    except ValueError:
        return text


def load_local(
    schema: Schema, form: MultiDict[str, str]
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Validate a form whose timestamps are typed in the district's local time."""
    zoned = MultiDict([(k, _zoned(v) if k in MOMENTS else v) for k, v in form.items(multi=True)])
    return load_form(schema, zoned)
