"""ComplianceInspection (the facility visit), its Violations, and InspectionPlan draws."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.assets.models import Asset
from registry.auth.models import User
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model
from registry.inspections.models import Inspection
from registry.sites.models import Facility
from registry.sites.models import OfFacility

KINDS = ("routine", "follow_up", "complaint", "closure", "self_investigation")
RESULTS = ("in_compliance", "violations")
VIOLATION_STATUSES = ("open", "corrected", "verified")

visit_asset_inspection = Table(
    "compliance_inspection_asset_inspection",
    Model.metadata,
    Column(
        "compliance_inspection_id",
        ForeignKey("compliance_inspection.id"),
        primary_key=True,
    ),
    Column("inspection_id", ForeignKey("inspection.id"), primary_key=True),
)


class ComplianceInspection(OfFacility, Model):
    __tablename__ = "compliance_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # Made by the client: a resent visit is recognised and not stored twice.
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    performed_on: Mapped[date] = mapped_column(Date, index=True)  # in the bureau's zone
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))
    # True: no SOC violation of that category found (significant operational compliance).
    soc_release_prevention: Mapped[bool] = mapped_column(Boolean)
    soc_release_detection: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facility: Mapped[Facility] = relationship()
    inspector: Mapped[User | None] = relationship()
    violations: Mapped[list[Violation]] = relationship(
        back_populates="compliance_inspection", order_by="Violation.id"
    )
    inspections: Mapped[list[Inspection]] = relationship(
        secondary=visit_asset_inspection, order_by="Inspection.id"
    )

    __table_args__ = (Index("ix_compliance_inspection_facility_on", "facility_id", "performed_on"),)

    @property
    def inspection_ids(self) -> list[int]:
        return [i.id for i in self.inspections]


class Violation(Model):
    __tablename__ = "violation"

    id: Mapped[int] = mapped_column(primary_key=True)
    compliance_inspection_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_inspection.id"), index=True
    )
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    # Copied from the library when cited: a later pack change does not rewrite history.
    category: Mapped[str] = mapped_column(String(30))
    soc: Mapped[bool] = mapped_column(Boolean)
    severity: Mapped[str] = mapped_column(String(10))
    citation: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    corrected_on_site: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    corrected_on: Mapped[date | None] = mapped_column(Date)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    correction_notes: Mapped[str | None] = mapped_column(Text)
    evidence_path: Mapped[str | None] = mapped_column(String(255), info={"stored_file": True})
    evidence_type: Mapped[str | None] = mapped_column(String(100))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    compliance_inspection: Mapped[ComplianceInspection] = relationship(back_populates="violations")
    facility: Mapped[Facility] = relationship()
    asset: Mapped[Asset | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class InspectionPlan(Model):
    __tablename__ = "inspection_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    due_only: Mapped[bool] = mapped_column(Boolean, default=True)
    inspectors_per_facility: Mapped[int] = mapped_column(Integer, default=2)
    drawn_on: Mapped[date] = mapped_column(Date)
    # [{facility_id, inspector_ids}] in the order drawn.
    facilities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
