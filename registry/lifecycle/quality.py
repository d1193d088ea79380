"""Data-quality checks of life-cycle events: a closure or a substance change without notice.

A notice that must come before an event (an event obligation with a negative offset) is a
record the operator files, dated when it was given: one dated at least the offset before the
event (and not more than a year before that) is the prior notice. Each check is one select
over every asset, like the others of registry.filings.quality.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from registry.assets.models import Asset
from registry.compliance.event_engine import LOOKBACK_DAYS
from registry.compliance.event_engine import event_on
from registry.compliance.event_engine import no_record_between
from registry.compliance.event_engine import shifted
from registry.compliance.obligations import EventObligation
from registry.compliance.rules import active_pack


def _notices(event: str) -> list[EventObligation]:
    """The pack's prior notices of an event kind (`status` of a permanent closure, `substance`)."""
    return [
        o
        for o in active_pack().event_obligations
        if o.before and o.event == event and (event != "status" or o.value == "permanently_closed")
    ]


def _without_notice(o: EventObligation) -> Any:
    """The assets whose event of `o` happened with no notice dated early enough before it."""
    happened, conditions = event_on(o)
    offset = o.due.days
    table = Asset.__table__
    unmet = no_record_between(
        o.satisfied_by,
        table.c.id,
        table.c.facility_id,
        shifted(happened, offset - LOOKBACK_DAYS),
        shifted(happened, offset),
    )
    return sa.and_(table.c.kind.in_(o.asset_kinds), *conditions, unmet)


def rows_without_notice(code: str, event: str) -> Any:
    """Select (code, asset_id, facility_id) of the assets flagged, or None when the pack has
    no prior notice of this event."""
    notices = _notices(event)
    if not notices:
        return None
    return sa.select(
        sa.literal(code).label("code"),
        Asset.id.label("asset_id"),
        Asset.facility_id.label("facility_id"),
    ).where(sa.or_(*[_without_notice(o) for o in notices]))
