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
    world["alert_a"] = LazyAlert(world)
    db.session.commit()


class LazyAlert:
    """An exceedance at organization A's facility, made when a test first names it (`.id`).

    Made on demand, not with the world: other tests count the world's alerts (none) and its
    reminders. The access matrix names it in URLs (`/alerts/{alert_a}/acknowledge`).
    """

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world
        self.name: str | None = None

    @property
    def id(self) -> str:
        if self.name is None:
            from registry.monitoring.services import add_reading
            from registry.monitoring.services import create_point

            point = create_point(
                self.world["fac_a"], created_by=None, name="MW-A", kind="groundwater_well"
            )
            reading = add_reading(
                point,
                entered_by=None,
                parameter="benzene",
                value=0.5,
                unit="mg/L",
                sampled_on=date(2026, 1, 6),
            )
            self.name = f"exceedance-{reading.id}"
            db.session.commit()
        return self.name
