"""Schema pieces shared by every domain: blank-to-None, exact choices, dates."""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from datetime import datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import pre_load
from marshmallow import validate

from registry.core import choices
from registry.core.converters import MAX_ID
from registry.core.dates import today
from registry.core.text import clean_value

# C0 control characters other than tab, line feed and carriage return: NUL cannot be stored in
# PostgreSQL text at all, and escape sequences would reach terminals through logs and exports.
CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")


def has_control(value: Any) -> bool:
    """Whether a string (or a list of strings) holds a control character that is refused."""
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, list):
        return any(isinstance(v, str) and _CONTROL.search(v) for v in value)
    return False


class BaseSchema(Schema):
    """Strips strings (and their invisible characters, `registry.core.text`) and turns empty
    form strings into None before validation."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _blank_to_none(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        bad = [key for key, value in data.items() if has_control(value)]
        if bad:
            message = str(_l("Contains control characters (such as NUL) that cannot be stored."))
            raise ValidationError({key: [message] for key in bad})
        by_key = {f.data_key or name: f for name, f in self.fields.items()}
        form = _FORM_INPUT.get()
        if type(data) is dict and not form:
            _refuse_text_for_flags(data, by_key)
        cleaned: dict[str, Any] = {}
        for key, value in data.items():
            field = by_key.get(key)
            # Secrets (passwords) are compared as typed: cleaning them would lock people out.
            if field is None or not field.metadata.get("verbatim"):
                value = clean_value(value)
            if isinstance(value, str):
                value = value.strip()
                # A form sends every field as text, "" for one left blank. A JSON body has
                # types: "" is no date or number (refused as such), only a blank text.
                blank_is_none = form or field is None or isinstance(field, fields.String)
                if value == "" and blank_is_none:
                    value = None
            cleaned[key] = value
        return cleaned


def _refuse_text_for_flags(data: dict[str, Any], by_key: Mapping[str, fields.Field]) -> None:
    """A JSON body says true or false: marshmallow would also read "yes", "on" or 1 as true,
    which the document (type boolean) does not allow. Forms and query strings send text."""
    bad = [
        key
        for key, field in by_key.items()
        if isinstance(field, fields.Boolean)
        and key in data
        and not isinstance(data[key], bool | None)
    ]
    if bad:
        raise ValidationError({key: [str(_l("Not a valid boolean."))] for key in bad})


_FORM_INPUT: ContextVar[bool] = ContextVar("form_input", default=False)


@contextmanager
def form_input() -> Iterator[None]:
    """Load text input (an HTML form, a spreadsheet row): a blank cell of any type is None."""
    token = _FORM_INPUT.set(True)
    try:
        yield
    finally:
        _FORM_INPUT.reset(token)


def one_of(group: str) -> validate.OneOf:
    """Validate that a value is one of the codes of a choice group."""
    codes = list(choices.ALL[group])
    return validate.OneOf(codes, error=_l("Must be one of: {choices}."))


def choice(group: str, **kwargs: Any) -> fields.String:
    """A string field restricted to the codes of a choice group."""
    metadata = {"enum": list(choices.ALL[group]), **kwargs.pop("metadata", {})}
    return fields.String(validate=one_of(group), metadata=metadata, **kwargs)


def id_field(**kwargs: Any) -> fields.Integer:
    """An integer id: positive and within an id column (a larger one is a 422, not a crash)."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def not_in_future(value: date) -> None:
    """Refuse a date after today (in the district's zone)."""
    if value > today():
        raise ValidationError(str(_l("Must not be in the future.")))


# Registry dates are of this world's tanks: none was installed, sampled or inspected before
# 1900, and none is due after 2100. A year outside is a typing slip (1066, 20266) that would
# otherwise be stored and skew due dates, trends and statistics.
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def plausible_date(value: date | datetime) -> None:
    """Refuse a date (or the day of a timestamp) before 1900 or after 2100."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            str(
                _l(
                    "Must be a date between %(earliest)s and %(latest)s.",
                    earliest=EARLIEST.isoformat(),
                    latest=LATEST.isoformat(),
                )
            )
        )


class WholeNumber(fields.Integer):
    """An integer: a JSON body sends a whole number (not 2.5, "3" or true, which marshmallow
    would read as 2, 3 and 1); a form or a spreadsheet sends text."""

    def _validated(self, value: Any) -> int:
        if not _FORM_INPUT.get() and (
            isinstance(value, bool) or not isinstance(value, numbers.Integral)
        ):
            raise self.make_error("invalid")
        return super()._validated(value)  # type: ignore[no-any-return]


class PlausibleDate(fields.Date):
    """A date field that refuses dates before 1900 or after 2100 (`plausible_date`)."""

    def _validate(self, value: Any) -> None:
        super()._validate(value)  # the field's own rule first: 2999 is "in the future"
        plausible_date(value)


class PlausibleAwareDateTime(fields.AwareDateTime):
    """A timestamp field whose day lies between 1900 and 2100 (`plausible_date`)."""

    def _validate(self, value: Any) -> None:
        super()._validate(value)  # the field's own rule first: 2999 is "in the future"
        plausible_date(value)


def registration_date() -> fields.Date:
    """The day a facility or asset was registered, which its obligations count from.

    Blank means "today" on creation and "unchanged" on an edit (see `drop_blank`).
    """
    return PlausibleDate(
        allow_none=True,
        validate=not_in_future,
        metadata={"description": "Obligations count from this day (default: the day registered)"},
    )


def drop_blank(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """Leave out the named fields given as None, so that the model's default or the stored value
    stands."""
    for name in names:
        if name in data and data[name] is None:
            del data[name]
    return data


# Refuses zero and negative numbers; a Range, so that the OpenAPI document states the bound.
positive = validate.Range(min=0, min_inclusive=False, error=_l("Must be greater than zero."))


def at_most(limit: float) -> validate.Range:
    """Refuse numbers above a plausible limit."""
    return validate.Range(max=limit, error=_l("Must be at most {max}."))


def patch(schema_cls: type[Schema]) -> Schema:
    """Instantiate a schema for PATCH: every field optional except `version`."""
    names = tuple(
        n for n, f in schema_cls._declared_fields.items() if n != "version" and not f.dump_only
    )
    return schema_cls(partial=names)


class PageArgs(Schema):
    """Query arguments of a paginated list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


# Marshmallow's own messages, marked here so that they land in the catalogs; the form helper
# and the API error handler translate them when they are shown.
MARSHMALLOW_MESSAGES = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Not a valid boolean."),
    _l("Not a valid date."),
    _l("Not a valid datetime."),
    _l("Not a valid list."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Not a valid UUID."),
    _l("Unknown field."),
    _l("Invalid input type."),
    _l("Invalid value."),
    _l("Length must be between {min} and {max}."),
    _l("Longer than maximum length {max}."),
    _l("Shorter than minimum length {min}."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Must be greater than or equal to {min}."),
    _l("Must be less than or equal to {max}."),
    _l("Must be one of: {choices}."),
)


def translate_errors(errors: Any) -> Any:
    """Translate every message of a marshmallow error dict into the request's language."""

    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(value) for value in errors]
    if isinstance(errors, str):
        return _translate_one(errors, gettext)
    return str(errors)


_PATTERNS = [
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        "Longer than maximum length {max}.",
        ("max",),
    ),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        "Shorter than minimum length {min}.",
        ("min",),
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "Must be greater than or equal to {min} and less than or equal to {max}.",
        ("min", "max"),
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+)\.$"),
        "Must be greater than or equal to {min}.",
        ("min",),
    ),
    (
        re.compile(r"^Must be less than or equal to (\S+)\.$"),
        "Must be less than or equal to {max}.",
        ("max",),
    ),
    (re.compile(r"^Must be one of: (.*)\.$"), "Must be one of: {choices}.", ("choices",)),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        "Length must be between {min} and {max}.",
        ("min", "max"),
    ),
]


def _translate_one(message: str, gettext: Any) -> str:
    for pattern, msgid, names in _PATTERNS:
        m = pattern.match(message)
        if m:
            return str(gettext(msgid)).format(**dict(zip(names, m.groups(), strict=True)))
    return str(gettext(message))
