"""Inspection, Finding, CorrectiveAction and Photo."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
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

from registry.assets.models import Asset
from registry.auth.models import User
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model


class Inspection(Model):
    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Made by the client: a resent submission is recognised and not stored twice.
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    checklist_version: Mapped[str] = mapped_column(String(60))
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    result: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asset: Mapped[Asset] = relationship()
    inspector: Mapped[User | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        back_populates="inspection", order_by="Finding.id"
    )
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="Photo.inspection_id == Inspection.id", order_by="Photo.id", viewonly=True
    )

    __table_args__ = (Index("ix_inspection_asset_performed", "asset_id", "performed_at"),)

    @property
    def organization_id(self) -> int:
        return self.asset.facility.organization_id


class Finding(Model):
    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    item: Mapped[str | None] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    asset: Mapped[Asset] = relationship()
    corrective_action: Mapped[CorrectiveAction | None] = relationship(
        back_populates="finding", uselist=False
    )
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="Photo.finding_id == Finding.id", order_by="Photo.id", viewonly=True
    )


class CorrectiveAction(Model):
    __tablename__ = "corrective_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), unique=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fixed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # A passing re-inspection that found the item compliant again verifies the fix by itself.
    verified_by_inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection.id"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    finding: Mapped[Finding] = relationship(back_populates="corrective_action")
    fixed_by: Mapped[User | None] = relationship(foreign_keys=[fixed_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    verified_by_inspection: Mapped[Inspection | None] = relationship(
        foreign_keys=[verified_by_inspection_id]
    )
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="Photo.corrective_action_id == CorrectiveAction.id",
        order_by="Photo.id",
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}


class Photo(Model):
    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    corrective_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("corrective_action.id"), index=True
    )
    # Relative to UPLOAD_DIR, never under static/.
    path: Mapped[str] = mapped_column(String(255), info={"stored_file": True})
    # Of the bytes as uploaded: a resent photo is recognised per inspection.
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("inspection_id", "sha256", name="uq_photo_inspection_sha256"),
        UniqueConstraint("corrective_action_id", "sha256", name="uq_photo_action_sha256"),
    )
