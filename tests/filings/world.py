"""Rows of the filings domain in the `world` fixture."""

from __future__ import annotations

from typing import Any

from registry.extensions import db


def extend(world: dict[str, Any]) -> None:
    """Add `filing_a`: a filing of organization A's facility waiting for review."""
    from registry.filings.services import submit_filing

    world["filing_a"] = submit_filing(world["fac_a"], submitted_by=world["users"]["operator_a"])
    db.session.commit()
