"""Snapshots of a facility as filed, and what changed between two snapshots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import with_polymorphic
from sqlalchemy.orm.attributes import set_committed_value

from registry.assets.models import Asset
from registry.assets.schemas import AssetOutSchema
from registry.assets.tags import display as tag_display
from registry.core import choices
from registry.extensions import db
from registry.sites.models import Facility
from registry.sites.schemas import FacilitySchema

# Fields that the operator does not report: identity, bookkeeping, the regulator's red tag.
IGNORED = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "organization_id",
    "facility_id",
    "red_tagged",
    "registered_on",
    "tag",
    "kind",
}


def take(facility: Facility) -> dict[str, Any]:
    """Dump a facility and its assets as they are now, through the API schemas."""
    every_kind = with_polymorphic(Asset, "*")  # tank and pipeline columns in the same query
    assets = list(
        db.session.scalars(
            select(every_kind).where(every_kind.facility_id == facility.id).order_by(every_kind.id)
        )
    )
    for asset in assets:  # the schema's organization_id reads it; no query per asset
        set_committed_value(asset, "facility", facility)
    return {
        "facility": FacilitySchema().dump(facility),
        "assets": AssetOutSchema(many=True).dump(assets),
    }


def asset_title(asset: dict[str, Any]) -> str:
    """Name an asset of a snapshot: kind, reference and tag."""
    kind = choices.label("asset_kind", asset.get("kind"))
    ref = asset.get("operator_ref") or f"#{asset.get('id')}"
    tag = tag_display(asset["tag"].replace("-", "")) if asset.get("tag") else ""
    return f"{kind} {ref} {tag}".strip()


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in IGNORED]
    return [
        {"field": k, "old": old.get(k), "new": new.get(k)}
        for k in keys
        if _norm(old.get(k)) != _norm(new.get(k))
    ]


def _norm(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Compare two snapshots: facility fields changed, assets added, removed and changed.

    With no earlier snapshot (`old` None) everything counts as added.
    """
    old = old or {"facility": {}, "assets": []}
    before = {a["id"]: a for a in old["assets"]}
    after = {a["id"]: a for a in new["assets"]}
    changed = []
    for asset_id, asset in after.items():
        if asset_id in before:
            fields = _field_changes(before[asset_id], asset)
            if fields:
                changed.append({"asset": asset, "fields": fields})
    facility = _field_changes(old["facility"], new["facility"]) if old["facility"] else []
    return {
        "first": not old["facility"],
        "facility": facility,
        "added": [a for i, a in after.items() if i not in before],
        "removed": [a for i, a in before.items() if i not in after],
        "changed": changed,
        "empty": bool(old["facility"]) and not (facility or changed or set(after) ^ set(before)),
    }
