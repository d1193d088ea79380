"""Asset (joined-table base) with Tank and Pipeline."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import with_polymorphic

from registry.core.dates import today
from registry.core.search import trigram_indexes
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model
from registry.sites.models import Facility
from registry.sites.models import OfFacility


class Asset(OfFacility, Model):
    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Stored without dashes, upper case: the canonical form that look-ups normalise to.
    tag: Mapped[str] = mapped_column(String(16), unique=True)
    operator_ref: Mapped[str | None] = mapped_column(String(60))
    substance: Mapped[str] = mapped_column(String(30))
    substance_detail: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30), default="in_service")
    installed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # What a closure did (registry.lifecycle): temporary (emptied to 2.5 cm, vent lines open,
    # other lines capped) or permanent (the method and the site assessment's result).
    emptied: Mapped[bool | None] = mapped_column(Boolean)
    vent_lines_open: Mapped[bool | None] = mapped_column(Boolean)
    lines_capped: Mapped[bool | None] = mapped_column(Boolean)
    closure_method: Mapped[str | None] = mapped_column(String(30))
    site_assessment_result: Mapped[str | None] = mapped_column(String(30))
    # The day a change of substance was recorded: event obligations count from it.
    substance_changed_on: Mapped[date | None] = mapped_column(Date)
    wall: Mapped[str | None] = mapped_column(String(10))
    material: Mapped[str | None] = mapped_column(String(20))
    corrosion_protection: Mapped[str | None] = mapped_column(String(30))
    anti_seepage: Mapped[str | None] = mapped_column(String(20))
    leak_detection: Mapped[list[str]] = mapped_column(JSON, default=list)
    red_tagged: Mapped[bool] = mapped_column(Boolean, default=False)
    # Obligations of an asset without an installation date count from this day (see Facility).
    registered_on: Mapped[date] = mapped_column(Date, default=today)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    facility: Mapped[Facility] = relationship(back_populates="assets")

    __mapper_args__ = {
        "polymorphic_on": kind,
        "polymorphic_abstract": True,
        "version_id_col": version,
    }
    __table_args__ = (
        # An operator's reference names one asset at its facility: imports and the forms match
        # on it, so two at once must not both insert it (several assets may have none).
        Index("ix_asset_facility_ref", "facility_id", "operator_ref", unique=True),
        Index("ix_asset_status_kind", "status", "kind"),
        *trigram_indexes("asset", "operator_ref", "tag"),
    )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.tag}>"


class Tank(Asset):
    __tablename__ = "tank"

    id: Mapped[int] = mapped_column(ForeignKey("asset.id"), primary_key=True)
    capacity_litres: Mapped[float | None] = mapped_column(Float)
    compartments: Mapped[int] = mapped_column(Integer, default=1)
    spill_containment: Mapped[bool] = mapped_column(Boolean, default=False)
    overfill_prevention: Mapped[bool] = mapped_column(Boolean, default=False)

    __mapper_args__ = {"polymorphic_identity": "tank"}


class Pipeline(Asset):
    __tablename__ = "pipeline"

    id: Mapped[int] = mapped_column(ForeignKey("asset.id"), primary_key=True)
    piping_type: Mapped[str | None] = mapped_column(String(20))
    length_m: Mapped[float | None] = mapped_column(Float)
    diameter_mm: Mapped[float | None] = mapped_column(Float)
    line_leak_detector: Mapped[bool] = mapped_column(Boolean, default=False)
    from_point: Mapped[str | None] = mapped_column(String(100))
    to_point: Mapped[str | None] = mapped_column(String(100))

    __mapper_args__ = {"polymorphic_identity": "pipeline"}


ASSET_CLASSES: dict[str, type[Asset]] = {"tank": Tank, "pipeline": Pipeline}

# An asset with its tank or pipeline columns in the same statement, for the pages that show one
# asset (loaded lazily, they cost a second round trip on every such page).
ANY_ASSET = with_polymorphic(Asset, [Tank, Pipeline])
