"""Rows of the releases domain in the `world` fixture."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import datetime
from typing import Any

from werkzeug.datastructures import FileStorage

from registry.extensions import db


def extend(world: dict[str, Any]) -> None:
    """Add `release_a` (suspected) and `release_confirmed_a` at organization A's facility, their
    steps done."""
    from registry.releases import services

    def opened(day: int) -> Any:
        data = {
            "discovered_at": datetime(2026, 3, day, 2, 0, tzinfo=UTC),
            "description": "Suspected leak",
            "asset_id": world["tank_a"].id,
        }
        return services.open_release(world["fac_a"], data)

    world["release_a"] = opened(1)
    confirmed = opened(2)
    services.confirm(confirmed, confirmed_at=datetime(2026, 3, 3, 2, 0, tzinfo=UTC), by=None)
    world["release_confirmed_a"] = confirmed
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = FileStorage(io.BytesIO(pdf), filename="report.pdf", content_type="application/pdf")
    item = services.attach_file(world["release_a"], upload, note="Report sent", by=None)
    world["evidence_a"] = item
    # Every step done: the world's reminders (which other domains' tests count) stay as they were.
    for release in (world["release_a"], confirmed):
        for step in release.steps:
            step.done_at = step.done_at or datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    db.session.commit()
