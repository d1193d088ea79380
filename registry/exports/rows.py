"""The columns of exports and imports: data-model field names, plus the compliance state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from datetime import datetime
from typing import Any

from flask_babel import force_locale

from registry.assets.schemas import PIPELINE_ONLY
from registry.assets.schemas import TANK_ONLY
from registry.assets.tags import display
from registry.audit.labels import FIELD_LABELS

# What an operator fills in for a tank or pipeline (the import template, in this order).
ASSET_FIELDS = (
    "facility_id",
    "kind",
    "operator_ref",
    "substance",
    "substance_detail",
    "status",
    "installed_on",
    "closed_on",
    "wall",
    "material",
    "corrosion_protection",
    "anti_seepage",
    "leak_detection",
    *TANK_ONLY,
    *PIPELINE_ONLY,
)
# Read-only columns an export adds: an export can be imported back, these are ignored.
ASSET_EXTRA = (
    "id",
    "tag",
    "facility_name",
    "organization_id",
    "subdistrict",
    "red_tagged",
    "compliance",
    "overdue",
    "due_soon",
)
ASSET_COLUMNS = ("id", "tag", *ASSET_FIELDS[:1], "facility_name", "organization_id") + (
    "subdistrict",
    *ASSET_FIELDS[1:],
    "red_tagged",
    "compliance",
    "overdue",
    "due_soon",
)
FACILITY_COLUMNS = (
    "id",
    "organization_id",
    "organization_name",
    "name",
    "kind",
    "address",
    "subdistrict",
    "latitude",
    "longitude",
    "key_supervised",
    "status",
    "assets",
    "red_tagged",
    "compliance",
    "overdue",
    "due_soon",
)
_EXTRA_LABELS = {
    "id": "编号",
    "kind": "类型",
    "status": "状态",
    "facility_name": "设施名称",
    "organization_name": "运营单位",
    "compliance": "合规状态",
    "overdue": "逾期事项",
    "due_soon": "即将到期事项",
    "assets": "储罐和管道数",
}

Counts = dict[int, tuple[int, int]]


def zh_label(name: str) -> str:
    """The Chinese label of a column, whatever the request's language."""
    if name in _EXTRA_LABELS:
        return _EXTRA_LABELS[name]
    label = FIELD_LABELS.get(name)
    if label is None:
        return ""
    with force_locale("zh"):
        return str(label)


def bilingual(name: str) -> str:
    """A template header: the field name and its Chinese label, e.g. `capacity_litres 容量(升)`."""
    label = zh_label(name)
    return f"{name} {label}" if label else name


def state(overdue: int, due_soon: int) -> str:
    """The compliance state of a row from its counts of overdue and due-soon obligations."""
    if overdue:
        return "overdue"
    return "due_soon" if due_soon else "ok"


def plain(value: Any) -> Any:
    """A cell value: lists joined by `;`, dates in ISO form, the rest unchanged."""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def asset_row(asset: Mapping[str, Any], counts: Counts) -> list[Any]:
    """One export row of an asset (a plain row with its facility's columns), in column order."""
    overdue, due_soon = counts.get(asset["id"], (0, 0))
    extra = {
        "tag": display(asset["tag"]),  # grouped, as the API and the labels show it
        "compliance": state(overdue, due_soon),
        "overdue": overdue,
        "due_soon": due_soon,
    }
    return [plain(extra[c]) if c in extra else plain(asset.get(c)) for c in ASSET_COLUMNS]


def facility_row(
    facility: Mapping[str, Any], counts: Counts, sizes: dict[int, tuple[int, int]]
) -> list[Any]:
    """One export row of a facility (a plain row), in FACILITY_COLUMNS order."""
    overdue, due_soon = counts.get(facility["id"], (0, 0))
    n_assets, n_red = sizes.get(facility["id"], (0, 0))
    extra = {
        "assets": n_assets,
        "red_tagged": n_red,
        "compliance": state(overdue, due_soon),
        "overdue": overdue,
        "due_soon": due_soon,
    }
    return [plain(extra[c]) if c in extra else plain(facility.get(c)) for c in FACILITY_COLUMNS]
