"""RedTag: deliveries to an asset prohibited, from placement until lifted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
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


class RedTag(Model):
    __tablename__ = "red_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lift_note: Mapped[str | None] = mapped_column(Text)

    asset: Mapped[Asset] = relationship()
    placed_by: Mapped[User | None] = relationship(foreign_keys=[placed_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    __table_args__ = (
        # At most one active red tag per asset.
        unique_where("uq_red_tag_one_active", "asset_id", "lifted_at IS NULL"),
    )

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def __repr__(self) -> str:
        return f"<RedTag {self.id} asset={self.asset_id} active={self.active}>"
