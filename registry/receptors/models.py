"""Receptor: a GeoJSON geometry with a kind and a name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model


class Receptor(Model):
    __tablename__ = "receptor"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # A GeoJSON geometry (Point, Polygon or MultiPolygon) in WGS-84, [lon, lat].
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Its bounding box, so that a map's bbox query selects in SQL.
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_receptor_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)

    def __repr__(self) -> str:
        return f"<Receptor {self.id} {self.kind} {self.name}>"


class ReceptorDistance(Model):
    """How far a facility lies from the nearest receptor of one kind (geodesic metres).

    Kept up to date as facilities move and receptors are added, so that the map, the lists and
    the compliance engine read nearness in one query instead of measuring every pair.
    """

    __tablename__ = "facility_receptor_distance"

    facility_id: Mapped[int] = mapped_column(
        ForeignKey("facility.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    metres: Mapped[float] = mapped_column(Float)
