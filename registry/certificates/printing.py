"""What a certificate's paper shows, as plain bilingual data dumped through a schema."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import fields

from registry.assets.models import Asset
from registry.assets.tags import display as tag_display
from registry.core import choices

LANGS = ("zh", "en")


def _both(fn: Any) -> dict[str, str]:
    """Evaluate a label function in Chinese and in English."""
    out = {}
    for lang in LANGS:
        with force_locale(lang):
            out[lang] = str(fn())
    return out


def _pair() -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.String())


class PrintedSchema(Schema):
    """The facts of one certificate page; every value is a string or a {zh, en} pair."""

    number = fields.String()
    verify_url = fields.String()
    bureau_name = fields.String()
    facility_name = fields.String()
    facility_address = fields.String()
    operator_name = fields.String()
    asset_tag = fields.String()
    operator_ref = fields.String()
    asset_kind = _pair()
    size = _pair()
    construction = _pair()
    substance = _pair()
    inspected_on = fields.String()
    inspector_name = fields.String()
    result = _pair()
    issued_on = fields.String()
    valid_from = fields.String()
    valid_until = fields.String()


def _size(asset: Asset) -> dict[str, str]:
    capacity = getattr(asset, "capacity_litres", None)
    length = getattr(asset, "length_m", None)
    if asset.kind == "tank":
        if capacity is None:
            return {"zh": "—", "en": "—"}
        text = f"{capacity:,.0f} L"
        return {"zh": f"容积 {text}", "en": f"Capacity {text}"}
    if length is None:
        return {"zh": "—", "en": "—"}
    diameter = getattr(asset, "diameter_mm", None)
    extra = f", DN {diameter:g} mm" if diameter else ""
    return {"zh": f"长度 {length:g} m{extra}", "en": f"Length {length:g} m{extra}"}


def _construction(asset: Asset) -> dict[str, str]:
    def text() -> str:
        parts = [
            choices.label(group, code)
            for group, code in (
                ("wall", asset.wall),
                ("material", asset.material),
                ("corrosion_protection", asset.corrosion_protection),
                ("anti_seepage", asset.anti_seepage),
            )
            if code and code != "none"
        ]
        return " · ".join(parts) or "—"

    return _both(text)


def _substance(asset: Asset) -> dict[str, str]:
    def text() -> str:
        name = choices.label("substance", asset.substance)
        return f"{name} ({asset.substance_detail})" if asset.substance_detail else name

    return _both(text)


def _result(finding_count: int) -> dict[str, str]:
    def text() -> str:
        if finding_count:
            return _(
                "Passed. No high or critical finding open; %(num)d finding(s) recorded.",
                num=finding_count,
            )
        return _("Passed. No findings.")

    return _both(text)


def printed_facts(
    *, number: str, verify_url: str, asset: Asset, facts: Any, issue: dict[str, Any]
) -> dict[str, Any]:
    """Return the plain data printed on a certificate."""
    facility = asset.facility
    source = {
        "number": number,
        "verify_url": verify_url,
        "bureau_name": current_app.config["BUREAU_NAME"],
        "facility_name": facility.name,
        "facility_address": facility.address or "",
        "operator_name": facility.organization.name,
        "asset_tag": tag_display(asset.tag),
        "operator_ref": asset.operator_ref or "",
        "asset_kind": _both(lambda: choices.label("asset_kind", asset.kind)),
        "size": _size(asset),
        "construction": _construction(asset),
        "substance": _substance(asset),
        "inspected_on": facts.performed_on.isoformat(),
        "inspector_name": facts.inspector_name,
        "result": _result(facts.finding_count),
        "issued_on": issue["issued_on"].isoformat(),
        "valid_from": issue["valid_from"].isoformat(),
        "valid_until": issue["valid_until"].isoformat(),
    }
    return PrintedSchema().dump(source)  # type: ignore[no-any-return]
