"""Units of monitoring readings: the spellings lab reports use, and conversion to the point's unit.

A reading keeps the unit it was reported in (µg/L from a lab, mg/L from a field kit); the
screening values, trends, charts and exports compare values converted to the point's unit.
"""

from __future__ import annotations

# Each point kind's unit families: the unit its screening values are in comes first, then
# the others a reading of it may be reported in, with the factor to that first unit.
UNITS_OF_KIND: dict[str, dict[str, float]] = {
    "groundwater_well": {"mg/L": 1.0, "µg/L": 0.001},
    "soil_gas_probe": {"mg/m³": 1.0, "µg/m³": 0.001},
    "soil": {"mg/kg": 1.0, "µg/kg": 0.001},
}
# Every unit's factor to the milligram unit of its dimension (a unit is in one kind only).
FACTORS: dict[str, float] = {
    unit: factor for units in UNITS_OF_KIND.values() for unit, factor in units.items()
}
# Every unit's milligram unit, the one it converts to.
BASE_UNITS: dict[str, str] = {
    unit: next(iter(units)) for units in UNITS_OF_KIND.values() for unit in units
}
# The micro prefix comes as the micro sign (U+00B5), the Greek mu (U+03BC), `u` or `mc`.
_MICRO = ("\u00b5", "\u03bc")
_SPELLINGS = {
    "mg/l": "mg/L",
    "ug/l": "µg/L",
    "mg/m3": "mg/m³",
    "ug/m3": "µg/m³",
    "mg/kg": "mg/kg",
    "ug/kg": "µg/kg",
}


def canonical_unit(text: str) -> str | None:
    """Return the one spelling of a unit (`UG / L` -> `µg/L`), or None for an unknown unit."""
    key = "".join(text.split()).lower().replace("³", "3")
    for micro in _MICRO:
        key = key.replace(micro, "u")
    if key.startswith("mcg/"):
        key = "u" + key[2:]
    return _SPELLINGS.get(key)


def accepted_units(kind: str) -> list[str]:
    """Return the units a reading of a point kind may be reported in."""
    return list(UNITS_OF_KIND[kind])


def base_unit(unit: str) -> str:
    """Return the unit a stored unit converts to (its point's unit): `µg/L` -> `mg/L`."""
    return BASE_UNITS.get(unit, unit)


def to_point_unit(value: float, unit: str) -> float:
    """Convert a value in a stored unit to its point's unit (a unit not known is left as is)."""
    factor = FACTORS.get(unit, 1.0)
    # Rounded to 12 significant digits: 20 µg/L is 0.02 mg/L, not 0.020000000000000004.
    return float(f"{value * factor:.12g}") if factor != 1.0 else value
