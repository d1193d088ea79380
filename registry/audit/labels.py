"""How the change history names fields and values: translated labels, not column names."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from registry.core import choices
from registry.core.dates import show_text

FIELD_LABELS = {
    "name": _l("Name"),
    "credit_code": _l("Unified social credit code"),
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "contact_email": _l("Contact e-mail"),
    "address": _l("Address"),
    "organization_id": _l("Organization"),
    "subdistrict": _l("Subdistrict"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "key_supervised": _l("Key supervised unit"),
    "facility_id": _l("Facility"),
    "tag": _l("Tag"),
    "operator_ref": _l("Operator's reference"),
    "substance": _l("Substance"),
    "substance_detail": _l("Substance detail"),
    "installed_on": _l("Installed on"),
    "registered_on": _l("Registered on"),
    "closed_on": _l("Closed on"),
    "wall": _l("Wall"),
    "material": _l("Material"),
    "corrosion_protection": _l("Corrosion protection"),
    "anti_seepage": _l("Anti-seepage measure"),
    "leak_detection": _l("Leak detection"),
    "red_tagged": _l("Red tag: delivery prohibited"),
    "capacity_litres": _l("Capacity (litres)"),
    "compartments": _l("Compartments"),
    "spill_containment": _l("Spill containment (spill bucket)"),
    "overfill_prevention": _l("Overfill prevention"),
    "piping_type": _l("Piping type"),
    "length_m": _l("Length (m)"),
    "diameter_mm": _l("Diameter (mm)"),
    "line_leak_detector": _l("Automatic line leak detector"),
    "from_point": _l("From"),
    "to_point": _l("To"),
}
# (entity, field) -> choice group; entity None applies to every entity
_VALUE_GROUPS = {
    ("facility", "kind"): "facility_kind",
    ("facility", "status"): "facility_status",
    ("asset", "kind"): "asset_kind",
    ("asset", "status"): "asset_status",
    (None, "substance"): "substance",
    (None, "wall"): "wall",
    (None, "material"): "material",
    (None, "corrosion_protection"): "corrosion_protection",
    (None, "anti_seepage"): "anti_seepage",
    (None, "leak_detection"): "leak_detection",
    (None, "piping_type"): "piping_type",
}
_KIND_OR_STATUS = {"kind": _l("Kind"), "status": _l("Status")}


def field_label(field: str) -> str:
    """Return the translated name of a field, or the field itself when unknown."""
    found = FIELD_LABELS.get(field) or _KIND_OR_STATUS.get(field)
    return str(found) if found is not None else field


def value_label(entity: str, field: str, value: Any) -> str:
    """Return a logged value as people read it: translated choices, yes/no, lists joined."""

    if value is None or value == []:
        return "—"
    group = _VALUE_GROUPS.get((entity, field)) or _VALUE_GROUPS.get((None, field))
    if isinstance(value, bool):
        return str(gettext("yes") if value else gettext("no"))
    if group and isinstance(value, list):
        return ", ".join(choices.label(group, str(v)) for v in value)
    if group:
        return choices.label(group, str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return show_text(str(value))
