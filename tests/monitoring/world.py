"""Rows of the monitoring domain in the `world` fixture."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.extensions import db


def extend(world: dict[str, Any]) -> None:
    """Add `point_a`: a groundwater well at organization A's facility, with one reading."""
    from registry.monitoring.services import add_reading
    from registry.monitoring.services import create_point

    point = create_point(world["fac_a"], created_by=None, name="MW-1", kind="groundwater_well")
    add_reading(
        point,
        entered_by=None,
        parameter="benzene",
        value=0.002,
        unit="mg/L",
        sampled_on=date(2026, 1, 5),
    )
    world["point_a"] = point
    db.session.commit()
