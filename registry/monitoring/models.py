"""MonitoringPoint (a well, a soil-gas probe, a soil sampling spot) and its readings."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.auth.models import User
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model
from registry.monitoring.units import UNITS_OF_KIND
from registry.monitoring.units import base_unit
from registry.monitoring.units import to_point_unit
from registry.sites.models import Facility
from registry.sites.models import OfFacility

POINT_KINDS = ("groundwater_well", "soil_gas_probe", "soil")
PARAMETERS = ("tph", "benzene", "toluene", "ethylbenzene", "xylenes", "mtbe")
# The unit of each medium's screening values: readings in other units are converted to it.
UNITS = {kind: next(iter(units)) for kind, units in UNITS_OF_KIND.items()}


class MonitoringPoint(OfFacility, Model):
    __tablename__ = "monitoring_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    facility: Mapped[Facility] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def units(self) -> list[str]:
        """The units a reading of this point may be reported in (its own unit first)."""
        return list(UNITS_OF_KIND[self.kind])

    def __repr__(self) -> str:
        return f"<MonitoringPoint {self.id} {self.name} {self.kind}>"


class MonitoringReading(Model):
    __tablename__ = "monitoring_reading"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    parameter: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(10))
    sampled_on: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    point: Mapped[MonitoringPoint] = relationship()
    entered_by: Mapped[User | None] = relationship()

    __table_args__ = (
        # A point's series of one parameter in time order: the chart and the trend test.
        Index("ix_monitoring_reading_series", "point_id", "parameter", "sampled_on"),
    )

    @property
    def converted_value(self) -> float:
        """The value in the point's unit (what screening values, trends and charts compare)."""
        return to_point_unit(self.value, self.unit)

    @property
    def converted_unit(self) -> str:
        """The point's unit, which `converted_value` is in."""
        return base_unit(self.unit)

    def __repr__(self) -> str:
        return (
            f"<MonitoringReading {self.point_id} {self.parameter}={self.value} {self.sampled_on}>"
        )


class AlertAcknowledgement(Model):
    """Someone looked at an alert and says what is done about it: who, when, and a note.

    Alerts are computed from the readings (registry.monitoring.alerts); an alert is named by
    its kind and the reading it was raised on, and so is its acknowledgement. A rising trend
    raised again on a later reading is a new alert, to be looked at again.
    """

    __tablename__ = "monitoring_alert_ack"

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("monitoring_reading.id"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    acknowledged_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("reading_id", "kind"),)

    def __repr__(self) -> str:
        return f"<AlertAcknowledgement {self.kind}-{self.reading_id}>"
