"""ActivityRecord (what was done, when), DigestLog (mail sent), CalendarToken (feed access)."""

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
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from registry.core.types import UTCDateTime
from registry.core.types import utcnow
from registry.extensions import Model


class ActivityRecord(Model):
    __tablename__ = "activity_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for activities of a whole facility (a filing, a groundwater sample).
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    activity: Mapped[str] = mapped_column(String(60))
    performed_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(10))
    performed_by: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    readings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attachment_path: Mapped[str | None] = mapped_column(String(200), info={"stored_file": True})
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(60))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic lock: two people correcting one record; the later save answers 409.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    # The engine's look-ups: the last passing record of some activities for an asset/facility.
    __table_args__ = (
        Index("ix_activity_asset", "asset_id", "activity", "result", "performed_on"),
        Index("ix_activity_facility", "facility_id", "activity", "result", "performed_on"),
    )

    def __repr__(self) -> str:
        return f"<ActivityRecord {self.id} {self.activity} {self.performed_on}>"


class DigestLog(Model):
    """One row per digest sent: the guard against mailing twice on a day."""

    __tablename__ = "digest_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "org:<id>" for an operator organization's digest, "regulators" for the escalation digest.
    recipient_key: Mapped[str] = mapped_column(String(40))
    digest_on: Mapped[date] = mapped_column(Date)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("recipient_key", "digest_on", name="uq_digest_once_a_day"),)


class CalendarToken(Model):
    """A secret that opens an organization's calendar feed; stored as its SHA-256."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(8))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
