"""Turn the inspection form's fields into the body the API takes, validated by the same schema."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from registry.assets.models import Asset
from registry.core.errors import DomainError
from registry.core.schemas import translate_errors
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


def errors_of(exc: DomainError) -> dict[str, Any]:
    """Turn a service's refusal into messages per field for the form."""
    errors = translate_errors(exc.errors) if exc.errors else {}
    return {**errors, "_schema": [exc.message]}
