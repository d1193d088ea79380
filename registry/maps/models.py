"""FacilityState: what a facility's compliance state is, on any day, without the engine."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from registry.extensions import Model


class FacilityState(Model):
    """The dates at which a facility's worst compliance state turns, as the engine computed
    them on `computed_on` under the pack (and settings) of `fingerprint`.

    Kept current in the transaction of every write the engine reads (registry.maps.states),
    so that the map reads the state of the facilities in a box in one query.
    """

    __tablename__ = "facility_state"
    # Computed from other rows: not a history that keeps a facility from being deleted.
    __table_args__ = {"info": {"derived": True}}

    facility_id: Mapped[int] = mapped_column(
        ForeignKey("facility.id", ondelete="CASCADE"), primary_key=True
    )
    # The earliest due date of its obligations (due soon from it minus the window).
    due_on: Mapped[date | None] = mapped_column(Date)
    # The first day it is overdue: the day after `due_on`, or the end of an onboarding grace.
    overdue_on: Mapped[date | None] = mapped_column(Date)
    # `no_record` (an obligation in its onboarding grace) before this day.
    no_record_until: Mapped[date | None] = mapped_column(Date)
    computed_on: Mapped[date] = mapped_column(Date)
    # Not to be read from this day on (a record, a registration dated after `computed_on`).
    valid_until: Mapped[date | None] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<FacilityState {self.facility_id} {self.due_on} {self.overdue_on}>"
