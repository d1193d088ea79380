"""Organization and Facility."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import WriteOnlyMapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.core.dates import today
from registry.core.search import trigram_indexes
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model

if TYPE_CHECKING:
    from registry.assets.models import Asset


class Organization(Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    facilities: WriteOnlyMapped[Facility] = relationship(
        back_populates="organization", lazy="write_only"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (*trigram_indexes("organization", "name", "credit_code"),)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.credit_code}>"


class Facility(Model):
    __tablename__ = "facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))
    subdistrict: Mapped[str | None] = mapped_column(String(100), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    key_supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")
    # The day obligations count from (data the operator can correct, unlike created_at): a
    # facility registered late, or moved from another register, keeps its real history.
    registered_on: Mapped[date] = mapped_column(Date, default=today)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="facilities")
    # passive_deletes: a facility is deleted only with no assets (sites.services.delete_facility).
    assets: WriteOnlyMapped[Asset] = relationship(
        back_populates="facility", lazy="write_only", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_facility_kind_status", "kind", "status"),
        # The map's bbox query: a range on longitude, then latitude.
        Index("ix_facility_lon_lat", "longitude", "latitude"),
        *trigram_indexes("facility", "name", "address"),
    )

    def __repr__(self) -> str:
        return f"<Facility {self.id} {self.name}>"


class OfFacility:
    """A row of one facility (its `facility` relationship): the facility's owner owns it."""

    if TYPE_CHECKING:
        facility: Mapped[Facility]

    @property
    def organization_id(self) -> int:
        return self.facility.organization_id
