"""Enumerations of the data model, each code with its translated label."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FACILITY_KINDS = {
    "gas_station": _l("Gas station"),
    "oil_depot": _l("Oil depot"),
    "key_supervised_unit": _l("Key supervised unit"),
    "other": _l("Other"),
}
RECEPTOR_KINDS = {
    "drinking_water_source": _l("Drinking-water source"),
    "well": _l("Well"),
    "school": _l("School"),
    "hospital": _l("Hospital"),
    "residential": _l("Residential area"),
    "surface_water": _l("Surface water"),
    "underground_space": _l("Underground space"),
}
COORDINATE_SYSTEMS = {
    "wgs84": _l("WGS-84 (GPS, most phones)"),
    "gcj02": _l("GCJ-02 (Amap, Tencent and other Chinese maps)"),
    "bd09": _l("BD-09 (Baidu maps)"),
}
FACILITY_STATUSES = {"active": _l("Active"), "closed": _l("Closed")}
ASSET_KINDS = {"tank": _l("Tank"), "pipeline": _l("Pipeline")}
SUBSTANCES = {
    "gasoline": _l("Gasoline"),
    "diesel": _l("Diesel"),
    "kerosene": _l("Kerosene"),
    "ethanol_blend": _l("Ethanol blend"),
    "biodiesel": _l("Biodiesel"),
    "waste_oil": _l("Waste oil"),
    "lubricant": _l("Lubricant"),
    "hazardous_chemical": _l("Hazardous chemical"),
    "other": _l("Other"),
}
ASSET_STATUSES = {
    "in_service": _l("In service"),
    "temporarily_closed": _l("Temporarily closed"),
    "permanently_closed": _l("Permanently closed"),
}
WALLS = {"single": _l("Single-walled"), "double": _l("Double-walled")}
MATERIALS = {
    "steel": _l("Steel"),
    "frp": _l("Fibreglass-reinforced plastic"),
    "composite": _l("Composite"),
    "other": _l("Other"),
}
CORROSION_PROTECTIONS = {
    "none": _l("None"),
    "sacrificial_anode": _l("Sacrificial anode"),
    "impressed_current": _l("Impressed current"),
    "coated": _l("Coated"),
}
ANTI_SEEPAGE = {
    "double_wall": _l("Double wall"),
    "seepage_pit": _l("Seepage pit"),
    "liner": _l("Liner"),
    "none": _l("None"),
}
LEAK_DETECTION = {
    "interstitial": _l("Interstitial monitoring"),
    "atg": _l("Automatic tank gauge"),
    "sir": _l("Statistical inventory reconciliation"),
    "groundwater_wells": _l("Groundwater wells"),
    "vapour": _l("Vapour monitoring"),
    "tightness_test": _l("Tightness test"),
    "manual_gauging": _l("Manual tank gauging"),
    "observation_pipe": _l("Observation pipe"),
}
PIPING_TYPES = {
    "pressurized": _l("Pressurized"),
    "suction": _l("Suction"),
    "gravity": _l("Gravity"),
}
ROLES = {
    "operator": _l("Operator"),
    "inspector": _l("Inspector"),
    "regulator": _l("Regulator"),
    "viewer": _l("Viewer"),
}
VISIT_KINDS = {
    "routine": _l("Routine inspection"),
    "follow_up": _l("Follow-up inspection"),
    "complaint": _l("Complaint inspection"),
    "closure": _l("Closure inspection"),
    "self_investigation": _l("Self-investigation (hidden hazards)"),
}
VISIT_RESULTS = {"in_compliance": _l("In compliance"), "violations": _l("Violations found")}
VIOLATION_STATUSES = {
    "open": _l("Open"),
    "corrected": _l("Corrected"),
    "verified": _l("Verified"),
}
VIOLATION_CATEGORIES = {
    "release_prevention": _l("Release prevention"),
    "release_detection": _l("Release detection"),
    "operations": _l("Operations"),
    "financial_responsibility": _l("Financial responsibility"),
    "records": _l("Records"),
}
INSPECTION_RESULTS = {"pass": _l("Pass"), "fail": _l("Fail")}
CLOSURE_METHODS = {
    "removed": _l("Removed from the ground"),
    "closed_in_place": _l("Closed in place (emptied, cleaned, filled)"),
    "change_in_service": _l("Change in service (no longer stores a regulated substance)"),
}
SITE_ASSESSMENT_RESULTS = {
    "no_release": _l("No sign of a release"),
    "release_suspected": _l("Contamination found: release suspected"),
}
OPERATOR_CLASSES = {
    "A": _l("Class A (responsible for the whole system)"),
    "B": _l("Class B (day-to-day operation and maintenance)"),
    "C": _l("Class C (first response to alarms and spills)"),
}
FR_MECHANISMS = {
    "insurance": _l("Insurance"),
    "surety_bond": _l("Surety bond"),
    "letter_of_credit": _l("Letter of credit"),
    "self_insurance": _l("Self-insurance"),
    "guarantee": _l("Guarantee"),
    "trust_fund": _l("Trust fund"),
    "state_fund": _l("State fund"),
    "other": _l("Other"),
}

ALL = {
    "facility_kind": FACILITY_KINDS,
    "facility_status": FACILITY_STATUSES,
    "receptor_kind": RECEPTOR_KINDS,
    "coordinate_system": COORDINATE_SYSTEMS,
    "asset_kind": ASSET_KINDS,
    "substance": SUBSTANCES,
    "asset_status": ASSET_STATUSES,
    "wall": WALLS,
    "material": MATERIALS,
    "corrosion_protection": CORROSION_PROTECTIONS,
    "anti_seepage": ANTI_SEEPAGE,
    "leak_detection": LEAK_DETECTION,
    "piping_type": PIPING_TYPES,
    "role": ROLES,
    "visit_kind": VISIT_KINDS,
    "visit_result": VISIT_RESULTS,
    "violation_status": VIOLATION_STATUSES,
    "violation_category": VIOLATION_CATEGORIES,
    "inspection_result": INSPECTION_RESULTS,
    "closure_method": CLOSURE_METHODS,
    "site_assessment_result": SITE_ASSESSMENT_RESULTS,
    "operator_class": OPERATOR_CLASSES,
    "fr_mechanism": FR_MECHANISMS,
}


def label(group: str, code: str | None) -> str:
    """Return the translated label of a code, or the code itself when unknown."""
    if code is None:
        return ""
    found = ALL[group].get(code)
    return str(found) if found is not None else code
