"""Turn the inspection form's fields into the body the API takes, validated by the same schema."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from registry.assets.models import Asset
from registry.core.schemas import translate_errors
from registry.inspections.checklists import Checklist
from registry.inspections.checklists import Item
from registry.inspections.checklists import load_checklist
from registry.inspections.schemas import InspectionInSchema


def _number(raw: str) -> Any:
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return raw  # refused by the answer check with a message at the item
    return int(number) if number.is_integer() else number


def _answers(form: MultiDict[str, str], asset: Asset) -> list[dict[str, Any]]:
    answers = []
    for item in load_checklist().for_asset(asset):
        raw = (form.get(f"answer-{item.code}") or "").strip()
        note = (form.get(f"note-{item.code}") or "").strip() or None
        if raw == "" and note is None:
            continue
        value: Any = raw or None
        if item.type == "number" and raw:
            value = _number(raw)
        answers.append({"item": item.code, "value": value, "note": note})
    return answers


def _findings(form: MultiDict[str, str]) -> list[dict[str, Any]]:
    rows = zip(
        form.getlist("finding-severity"),
        form.getlist("finding-description"),
        form.getlist("finding-due_on"),
        strict=False,
    )
    return [
        {"severity": severity or None, "description": description, "due_on": due_on or None}
        for severity, description, due_on in rows
        if description.strip()
    ]


def read_form(
    form: MultiDict[str, str], asset: Asset
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Validate a posted form; return (data, {}) or (None, messages per field)."""
    body: dict[str, Any] = {
        "client_uuid": form.get("client_uuid"),
        "asset_id": asset.id,
        "answers": _answers(form, asset),
        "notes": form.get("notes"),
        "latitude": form.get("latitude") or None,
        "longitude": form.get("longitude") or None,
        "findings": _findings(form),
    }
    try:
        return InspectionInSchema().load(body), {}
    except ValidationError as err:
        messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        return None, translate_errors(messages)


_BLANK_ITEMS_KEPT = 64


def blank_items(checklist: Checklist, items: list[Item]) -> Markup:
    """The questions of a fresh form (nothing typed, no errors), rendered once per checklist,
    set of items and language.

    They are most of the page and the same for every tank of a kind: rendering them each time
    was two thirds of the page's cost. Kept per process; a changed checklist file is a new
    Checklist object, which replaces what was kept.
    """
    cache = current_app.extensions.setdefault("inspection_blank_items", {})
    key = (id(checklist), tuple(item.code for item in items), str(get_locale()))
    hit = cache.get(key)
    if hit is None or hit[0] is not checklist:
        if len(cache) >= _BLANK_ITEMS_KEPT:
            cache.clear()
        html = render_template("inspections/_items.html", items=items, values={}, answer_errors={})
        hit = cache[key] = (checklist, Markup(html))
    return hit[1]
