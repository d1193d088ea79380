"""What the schemas enforce beyond marshmallow's own vocabulary, stated in the OpenAPI document.

A client generated from the document (or a fuzzer) should not be able to write a request the
document calls valid and the server refuses: blank and control characters in text, exclusive
bounds, the plausible years of a date.
"""

from __future__ import annotations

import copy
from typing import Any

from apispec import BasePlugin
from marshmallow import fields
from marshmallow import validate

from registry.assets.schemas import PIPELINE_ONLY
from registry.assets.schemas import TANK_ONLY
from registry.core.schemas import CONTROL_CHARS
from registry.core.schemas import EARLIEST
from registry.core.schemas import LATEST
from registry.core.schemas import PlausibleAwareDateTime
from registry.core.schemas import PlausibleDate
from registry.core.text import INVISIBLE_CHARS

# Text may hold tab, line feed and carriage return, and no other C0 control character or DEL
# (BaseSchema refuses them). Invisible formatting characters are removed, not refused.
_TEXT = f"[^{CONTROL_CHARS}]"
# A visible character: what is left once the server strips the text and removes invisibles.
_VISIBLE = rf"[^\s\x00-\x1f\x7f{INVISIBLE_CHARS}]"
ANY_TEXT = rf"^{_TEXT}*$"
SOME_TEXT = rf"^{_TEXT}*{_VISIBLE}{_TEXT}*$"


def _years(first: int, last: int) -> str:
    """A pattern for the years first..last: whole centuries as `19[0-9][0-9]`, others listed."""
    parts = []
    for century in range(first // 100, last // 100 + 1):
        years = [y for y in range(century * 100, century * 100 + 100) if first <= y <= last]
        parts += [f"{century}[0-9][0-9]"] if len(years) == 100 else [str(y) for y in years]
    return "|".join(parts)


# PlausibleDate: the years it accepts (the date format itself is stated by `format`).
PLAUSIBLE_YEAR = f"^({_years(EARLIEST.year, LATEST.year)})-"


def text_rules(self: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """A text field: no control characters; blank text counts as missing where a value is
    required (BaseSchema turns it into None)."""
    if type(field) is fields.Raw:  # any JSON value; `pattern` holds only for a string
        return {"pattern": ANY_TEXT}
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


def nullable_choice(self: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """A choice that may be left blank lists null among its values: OpenAPI 3.0's `nullable`
    does not add null to an `enum`."""
    if ret.get("nullable") and "enum" in ret and None not in ret["enum"]:
        return {"enum": [*ret["enum"], None]}
    return {}


def add_rules(converter: Any) -> None:
    """Teach apispec's field converter these rules (once per spec)."""
    for rule in (text_rules, date_rules, exclusive_bounds, nullable_choice):
        converter.add_attribute_function(rule)


class KindSplitPlugin(BasePlugin):
    """Document an asset body as a tank's or a pipeline's, one or the other.

    One marshmallow schema takes both kinds (forms and imports share it); the server refuses a
    tank with a piping type or a pipeline with a capacity. The document says so with `oneOf`
    (creation, by `kind`) and `anyOf` (a change, where the kind is the stored asset's): the
    other kind's fields may only be left blank (null, or false for a box).
    """

    SPLIT = {
        "AssetIn": "oneOf",
        "AssetCreate": "oneOf",
        "AssetPatchPartial": "anyOf",
        "AssetPatch": "anyOf",
    }

    def init_spec(self, spec: Any) -> None:
        self.spec = spec

    def operation_helper(self, path: Any = None, operations: Any = None, **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "") if isinstance(body, dict) else ""
            name = ref.rsplit("/", 1)[-1]
            if name in self.SPLIT:
                body["schema"] = self._split(name)

    def _split(self, name: str) -> dict[str, Any]:
        whole = self.spec.components.schemas[name]
        variants = []
        for kind, other in (("tank", PIPELINE_ONLY), ("pipeline", TANK_ONLY)):
            variant_name = f"{kind.title()}{name.removeprefix('Asset')}"
            if variant_name not in self.spec.components.schemas:
                self.spec.components.schema(variant_name, component=_variant(whole, kind, other))
            variants.append({"$ref": f"#/components/schemas/{variant_name}"})
        return {self.SPLIT[name]: variants}


def _variant(whole: dict[str, Any], kind: str, other: tuple[str, ...]) -> dict[str, Any]:
    """The schema `whole` for one kind: `kind` fixed, the other kind's fields only blank."""
    variant = copy.deepcopy(whole)
    props = variant["properties"]
    props["kind"] = {**props["kind"], "enum": [kind]}
    for name in other:
        if name in props:
            blank = False if props[name].get("type") == "boolean" else None
            props[name] = {"enum": [blank], "nullable": blank is None}
    return variant
