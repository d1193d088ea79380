"""Demo monitoring: a well whose benzene rises, a well with one TPH exceedance, a soil-gas probe."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from registry.core.dates import today
from registry.extensions import db
from registry.monitoring.models import MonitoringPoint
from registry.monitoring.services import add_reading
from registry.monitoring.services import create_point
from registry.sites.models import Facility

# facility name -> [(point name, kind, parameter, readings oldest first, one each quarter)];
# a reading is a value in the point's unit, or (value, unit) as a lab reported it.
SERIES: dict[str, list[tuple[str, str, str, list[float | tuple[float, str]]]]] = {
    "东直门加油站": [
        (
            "MW-1 东北角监测井",
            "groundwater_well",
            "benzene",
            [0.0012, 0.0015, 0.0019, 0.0024, (3.1, "µg/L"), (4.2, "µg/L")],
        ),  # rising, below 0.01 (0.0042 mg/L); the last two from a lab report
        (
            "MW-1 东北角监测井",
            "groundwater_well",
            "mtbe",
            [0.004, 0.003, 0.005, 0.004, 0.003, 0.004],
        ),
        ("SG-1 罐区土壤气探头", "soil_gas_probe", "tph", [1.8, 2.1, 1.6, 1.9]),
    ],
    "永定门油库": [
        ("MW-3 下游监测井", "groundwater_well", "tph", [0.21, 0.18, 0.95, 0.32, 0.25]),  # one > 0.6
    ],
}


def load_demo_monitoring() -> None:
    """Add the demo points and readings (quarterly, the last about a month ago)."""
    points: dict[tuple[int, str], MonitoringPoint] = {}
    for facility_name, series in SERIES.items():
        facility = db.session.scalar(select(Facility).where(Facility.name == facility_name))
        if facility is None:
            continue
        for name, kind, parameter, values in series:
            point = points.get((facility.id, name))
            if point is None:
                point = create_point(facility, created_by=None, name=name, kind=kind)
                points[(facility.id, name)] = point
            last = today() - timedelta(days=30)
            for i, reading in enumerate(values):
                sampled_on = last - timedelta(days=91 * (len(values) - 1 - i))
                value, unit = reading if isinstance(reading, tuple) else (reading, point.unit)
                add_reading(
                    point,
                    entered_by=None,
                    parameter=parameter,
                    value=value,
                    unit=unit,
                    sampled_on=sampled_on,
                )
