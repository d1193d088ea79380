"""The blueprint of the regulator's desk, and the helpers its panels call from templates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from registry.extensions import db
from registry.filings import quality
from registry.filings import services
from registry.filings import snapshot
from registry.filings.models import Filing

bp = Blueprint("filings", __name__)


@bp.app_template_global()
def facility_filings(facility: Any) -> dict[str, Any]:
    """Return a facility's recent filings and what changed since its last accepted one."""
    recent = list(
        db.session.scalars(services.filings_query(None, {"facility_id": facility.id}).limit(10))
    )
    previous, changes = services.changes_since_accepted(facility)
    waiting = next((f for f in recent if f.status == "submitted"), None)
    return {"recent": recent, "last_accepted": previous, "changes": changes, "waiting": waiting}


@bp.app_template_global()
def asset_quality(asset: Any) -> list[quality.Problem]:
    """Return the data-quality problems of an asset and its facility."""
    return quality.asset_problems(asset)


@bp.app_template_global()
def facility_quality(facility: Any) -> list[quality.Problem]:
    """Return the data-quality problems of a facility and its assets."""
    return quality.facility_problems(facility.id)


@bp.app_template_global()
def filing_changes(filing: Filing) -> dict[str, Any]:
    """Return what a filing changed against the last accepted one before it."""
    return services.changes_of(filing)


bp.add_app_template_global(snapshot.asset_title, "asset_title")
bp.add_app_template_filter(quality.message, "quality_message")
