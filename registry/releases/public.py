"""What anyone may see of releases: the confirmed ones, with no personal data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from registry.extensions import db
from registry.releases import clocks
from registry.releases.models import Release
from registry.sites.models import Facility

PUBLIC_STATES = ("confirmed", "closed")


def public_releases() -> list[Release]:
    """Return every confirmed release (open or closed), newest discovery first."""
    stmt = (
        select(Release)
        .join(Facility, Facility.id == Release.facility_id)
        .where(Release.state.in_(PUBLIC_STATES))
        .options(contains_eager(Release.facility))
        .order_by(Release.discovered_at.desc(), Release.id.desc())
    )
    return list(db.session.scalars(stmt))


def public_row(release: Release) -> dict[str, Any]:
    """A release as the public list shows it: number, facility, state and dates only."""
    confirmed = release.confirmed_at
    return {
        "number": release.number,
        "facility_name": release.facility.name,
        "state": release.state,
        "discovered_on": clocks.local_day(release.discovered_at).isoformat(),
        "confirmed_on": clocks.local_day(confirmed).isoformat() if confirmed else None,
        "closed_on": release.closed_on.isoformat() if release.closed_on else None,
    }


def geojson_chunks(releases: list[Release]) -> Iterator[str]:
    """Yield a FeatureCollection of releases at the facility's point ([lon, lat], WGS-84)."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for release in releases:
        facility = release.facility
        geometry = None
        if facility.latitude is not None and facility.longitude is not None:
            geometry = {
                "type": "Point",
                "coordinates": [float(facility.longitude), float(facility.latitude)],
            }
        feature = {"type": "Feature", "geometry": geometry, "properties": public_row(release)}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"


