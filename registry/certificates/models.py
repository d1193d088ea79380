"""Certificate and the per-year counter that numbers certificates without gaps."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from registry.assets.models import Asset
from registry.auth.models import User
from registry.core.types import UTCDateTime
from registry.core.types import unique_where
from registry.core.types import utcnow
from registry.extensions import Model

STORED_STATUSES = ("valid", "revoked", "superseded")
VERDICTS = ("valid", "expired", "revoked", "superseded", "unverifiable")


class CertificateCounter(Model):
    """The last number given per prefix and year; incremented in the issuing transaction."""

    __tablename__ = "certificate_counter"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    # What the paper says, kept as printed: renaming a facility later does not change it.
    asset_tag: Mapped[str] = mapped_column(String(16), index=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    facility_name: Mapped[str] = mapped_column(String(200))
    operator_name: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # valid | revoked | superseded; "expired" is derived from valid_until.
    status: Mapped[str] = mapped_column(String(12), default="valid", index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # Everything the paper shows, as plain data: the facility print re-renders from it.
    printed: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    # HMAC over the issue fields, and over the lifecycle fields (re-signed on each change).
    signature: Mapped[str] = mapped_column(String(64))
    lifecycle_signature: Mapped[str] = mapped_column(String(64))
    verification_count: Mapped[int] = mapped_column(Integer, default=0)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asset: Mapped[Asset] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    __table_args__ = (
        Index("ix_certificate_asset_status", "asset_id", "status"),
        # One certificate in force per inspection: of two concurrent issues, one is refused.
        unique_where(
            "uq_certificate_one_valid_per_inspection", "inspection_id", "status = 'valid'"
        ),
    )

    def __repr__(self) -> str:
        return f"<Certificate {self.number} {self.status}>"


class CertificatePdf(Model):
    """The PDF as rendered at issue, kept apart so that lists and the audit log skip the bytes."""

    __tablename__ = "certificate_pdf"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
