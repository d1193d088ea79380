"""What the schemas enforce beyond marshmallow's own vocabulary, stated in the OpenAPI document.

A client generated from the document (or a fuzzer) should not be able to write a request the
document calls valid and the server refuses: blank and control characters in text, exclusive
bounds, the plausible years of a date.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from marshmallow import validate

from registry.core.schemas import PlausibleAwareDateTime
from registry.core.schemas import PlausibleDate

# Text may hold tab, line feed and carriage return, and no other C0 control character or DEL
# (BaseSchema refuses them). Invisible formatting characters are removed, not refused.
_TEXT = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_INVISIBLE = r"\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
# A visible character: what is left once the server strips the text and removes invisibles.
_VISIBLE = rf"[^\s\x00-\x1f\x7f{_INVISIBLE}]"
ANY_TEXT = rf"^{_TEXT}*$"
SOME_TEXT = rf"^{_TEXT}*{_VISIBLE}{_TEXT}*$"
# PlausibleDate: years 1900 to 2100 (the date format itself is stated by `format`).
PLAUSIBLE_YEAR = r"^(19[0-9][0-9]|20[0-9][0-9]|2100)-"


def text_rules(self: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """A text field: no control characters; blank text counts as missing where a value is
    required (BaseSchema turns it into None)."""
    if type(field) is not fields.String or "enum" in ret or "pattern" in ret:
        return {}
    return {"pattern": ANY_TEXT if field.allow_none else SOME_TEXT}


def date_rules(self: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """A plausible date or timestamp: its year between 1900 and 2100."""
    if isinstance(field, PlausibleDate | PlausibleAwareDateTime):
        return {"pattern": PLAUSIBLE_YEAR}
    return {}


def exclusive_bounds(self: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """A Range that leaves out its bound (zero is not a capacity) says so (OpenAPI 3.0)."""
    out: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, validate.Range):
            if validator.min is not None and not validator.min_inclusive:
                out["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive:
                out["exclusiveMaximum"] = True
    return out


def add_rules(converter: Any) -> None:
    """Teach apispec's field converter these rules (once per spec)."""
    for rule in (text_rules, date_rules, exclusive_bounds):
        converter.add_attribute_function(rule)
