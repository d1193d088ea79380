"""Check an inspection's answers against the checklist of its asset."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from registry.assets.models import Asset
from registry.core.errors import Invalid
from registry.inspections.checklists import YESNO_VALUES
from registry.inspections.checklists import Checklist
from registry.inspections.checklists import Item


def _impossible(item: Item) -> str:
    """Say which readings an item can have: a value outside them was mistyped, not failed."""
    unit = item.unit or ""
    if item.valid_min is not None and item.valid_max is not None:
        return _(
            "Not a possible reading: between %(min)s and %(max)s %(unit)s. Correct it.",
            min=item.valid_min,
            max=item.valid_max,
            unit=unit,
        )
    if item.valid_min is not None:
        return _(
            "Not a possible reading: at least %(min)s %(unit)s. Correct it.",
            min=item.valid_min,
            unit=unit,
        )
    return _(
        "Not a possible reading: at most %(max)s %(unit)s. Correct it.",
        max=item.valid_max,
        unit=unit,
    )


def _value_error(item: Item, value: Any) -> str | None:
    """Return why a value does not fit an item's type, or None."""
    if item.type == "yesno" and value not in YESNO_VALUES:
        return _("Answer yes, no or na.")
    if item.type == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return _("Must be a number.")
    if item.type == "number" and item.impossible(value):
        return _impossible(item)
    if item.type == "choice" and value not in [c.value for c in item.choices]:
        return _("Must be one of: %(choices)s.", choices=", ".join(c.value for c in item.choices))
    if item.type == "text" and not isinstance(value, str):
        return _("Must be text.")
    return None


def check_answers(
    checklist: Checklist, asset: Asset, data: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[Item]]:
    """Validate answers; return (answers to store, failed items) or raise Invalid per item."""
    items = {item.code: item for item in checklist.for_asset(asset)}
    errors: dict[str, list[str]] = {}
    stored: list[dict[str, Any]] = []
    failing: list[Item] = []
    seen: set[str] = set()
    for answer in data.get("answers") or []:
        code, value = answer["item"], answer.get("value")
        item = items.get(code)
        if item is None:
            errors[code] = [_("This item is not on the checklist of this asset.")]
            continue
        if code in seen:
            errors[code] = [_("Answered twice.")]
            continue
        seen.add(code)
        if value is None:
            continue
        problem = _value_error(item, value)
        if problem:
            errors[code] = [problem]
            continue
        stored.append({"item": code, "value": value, "note": answer.get("note")})
        if item.fails(value):
            failing.append(item)
    answered = {a["item"] for a in stored}
    for code, item in items.items():
        if item.required and code not in answered and code not in errors:
            errors[code] = [_("This item must be answered.")]
    if errors:
        raise Invalid(_("Some answers are missing or invalid."), errors={"answers": errors})
    if data.get("result") == "pass" and failing:
        names = ", ".join(item.code for item in failing)
        raise Invalid(
            _(
                "The result cannot be pass: these answers fail the inspection: %(items)s.",
                items=names,
            ),
            errors={"result": [_("These answers fail the inspection: %(items)s.", items=names)]},
        )
    seen_finding_items = [f.get("item") for f in data.get("findings") or [] if f.get("item")]
    unknown = [c for c in seen_finding_items if c not in items]
    if unknown:
        raise Invalid(
            _("A finding names an item that is not on the checklist."),
            errors={"findings": [_("Unknown item: %(items)s.", items=", ".join(unknown))]},
        )
    return stored, failing
