"""Release (a suspected or confirmed leak, spill or overfill), its steps, its evidence, and the
per-year counter that numbers releases without gaps."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.assets.models import Asset
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model
from registry.sites.models import Facility
from registry.sites.models import OfFacility

STATES = ("suspected", "not_confirmed", "confirmed", "closed")
OPEN_STATES = ("suspected", "confirmed")
SOURCES = ("report", "detection_record", "inspection", "monitoring_alert", "site_assessment")
KINDS = ("leak", "spill", "overfill")
MEDIA = ("soil", "groundwater", "surface_water", "vapour_in_buildings")
EVIDENCE_KINDS = ("activity_record", "alert", "reading", "inspection", "file")


class ReleaseCounter(Model):
    """The last release number given per year; incremented in the opening transaction."""

    __tablename__ = "release_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Release(OfFacility, Model):
    __tablename__ = "release"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="leak")
    source: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(14), default="suspected", index=True)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text)
    substance: Mapped[str | None] = mapped_column(String(30))
    cause: Mapped[str | None] = mapped_column(Text)
    failed_equipment: Mapped[str | None] = mapped_column(String(200))
    media: Mapped[list[str]] = mapped_column(JSON, default=list)
    free_product: Mapped[bool | None] = mapped_column(Boolean)
    affected_asset_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_confirmed_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic lock: two people deciding on one release; the later decision answers 409.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    facility: Mapped[Facility] = relationship()
    asset: Mapped[Asset | None] = relationship()
    steps: Mapped[list[ReleaseStep]] = relationship(
        back_populates="release", order_by="ReleaseStep.position", cascade="all, delete-orphan"
    )
    evidence: Mapped[list[ReleaseEvidence]] = relationship(
        back_populates="release", order_by="ReleaseEvidence.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_release_facility_state", "facility_id", "state"),)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def __repr__(self) -> str:
        return f"<Release {self.number} {self.state}>"


class ReleaseStep(Model):
    """One step of a release's path with its deadline (`due_at`; None while not running)."""

    __tablename__ = "release_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"))
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    release: Mapped[Release] = relationship(back_populates="steps")

    __table_args__ = (UniqueConstraint("release_id", "code", name="uq_release_step_code"),)


class ReleaseEvidence(Model):
    """What shows the release: a record, an alert (its reading), an inspection, a file."""

    __tablename__ = "release_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("activity_record.id"))
    reading_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_reading.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    alert_kind: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    file_path: Mapped[str | None] = mapped_column(String(200), info={"stored_file": True})
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(60))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    release: Mapped[Release] = relationship(back_populates="evidence")
