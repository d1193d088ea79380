"""DesignatedOperator (a facility's trained Class A, B or C operator) and FinancialAssurance."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.core.dates import today
from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model
from registry.sites.models import Facility
from registry.sites.models import OfFacility
from registry.sites.models import Organization


class DesignatedOperator(OfFacility, Model):
    """A person designated at a facility as its Class A, B or C operator, and their training."""

    __tablename__ = "designated_operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    operator_class: Mapped[str] = mapped_column(String(1))
    # The day they took up the role: the days to train count from it.
    designated_on: Mapped[date] = mapped_column(Date, default=today)
    trained_on: Mapped[date | None] = mapped_column(Date)
    certificate_number: Mapped[str | None] = mapped_column(String(60))
    certificate_path: Mapped[str | None] = mapped_column(String(200), info={"stored_file": True})
    certificate_name: Mapped[str | None] = mapped_column(String(200))
    certificate_type: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    facility: Mapped[Facility] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<DesignatedOperator {self.id} {self.operator_class} {self.name}>"


class FinancialAssurance(Model):
    """One mechanism by which an owner shows financial responsibility (40 CFR 280.90ff)."""

    __tablename__ = "financial_assurance"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    mechanism: Mapped[str] = mapped_column(String(30))
    provider: Mapped[str] = mapped_column(String(200))
    policy_number: Mapped[str | None] = mapped_column(String(100))
    per_occurrence: Mapped[int] = mapped_column(BigInteger)
    aggregate: Mapped[int] = mapped_column(BigInteger)
    effective_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    # What the required amounts depend on (280.93(a)).
    petroleum_marketer: Mapped[bool] = mapped_column(Boolean, default=False)
    monthly_throughput_gallons: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<FinancialAssurance {self.id} {self.mechanism} {self.provider}>"
