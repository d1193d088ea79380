"""Filing: a facility's report of its basic information, and the snapshot it carries."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.auth.models import User
from registry.core.types import UTCDateTime
from registry.core.types import unique_where
from registry.core.types import utcnow
from registry.extensions import Model
from registry.sites.models import Facility
from registry.sites.models import OfFacility

FILING_STATUSES = ("submitted", "accepted", "returned")


class Filing(OfFacility, Model):
    __tablename__ = "filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    note: Mapped[str | None] = mapped_column(Text)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted_on: Mapped[date | None] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    facility: Mapped[Facility] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    snapshot: Mapped[FilingSnapshot] = relationship(
        back_populates="filing", cascade="all, delete-orphan", uselist=False
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # At most one filing waits for review per facility.
        unique_where("uq_filing_one_submitted", "facility_id", "status = 'submitted'"),
        Index("ix_filing_status", "status"),
    )

    def __repr__(self) -> str:
        return f"<Filing {self.id} {self.facility_id} {self.status}>"


class FilingSnapshot(Model):
    """The facility and its assets as filed, with the data-quality problems found then.

    Kept apart from Filing so that the audit log records the review, not a copy of the data.
    """

    __tablename__ = "filing_snapshot"

    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id"), primary_key=True)
    # {"facility": {...}, "assets": [{...}, ...]} dumped through the API schemas
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"code": ..., "asset_id": ... or None}]
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    filing: Mapped[Filing] = relationship(back_populates="snapshot")
