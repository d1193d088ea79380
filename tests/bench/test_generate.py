"""The benchmark data generator: shape of what it writes, and the app's pages on it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bench.generate import Spec
from bench.generate import generate
from registry.assets import tags
from registry.assets.models import Asset
from registry.sites.models import Facility


def _scalar(db: Any, sql: str) -> Any:
    return db.session.execute(sa.text(sql)).scalar()


def test_generates_a_registry_of_the_asked_size(db: Any, login_as: Any, client: Any) -> None:
    before = _scalar(db, "SELECT count(*) FROM asset")
    counts = generate(db.session.connection(), Spec(assets=200, seed=3))
    assert counts["asset"] == 200
    assert counts["tank"] + counts["pipeline"] == 200
    assert counts["activity_record"] == 800 and counts["inspection"] == 100
    assert _scalar(db, "SELECT count(*) FROM asset") == before + 200
    # Every facility has 3–5 tanks and 1–2 pipelines (the last one may be cut short).
    per_fac = db.session.execute(
        sa.text(
            "SELECT facility_id, sum(CASE WHEN kind = 'tank' THEN 1 ELSE 0 END) AS nt, "
            "sum(CASE WHEN kind = 'pipeline' THEN 1 ELSE 0 END) AS np "
            "FROM asset GROUP BY facility_id ORDER BY facility_id"
        )
    ).all()[-counts["facility"] :]
    assert all(3 <= r.nt <= 5 and 1 <= r.np <= 2 for r in per_fac[:-1])
    bounds = client.application.config["DISTRICT_BOUNDS"]
    facilities = db.session.scalars(sa.select(Facility).order_by(Facility.id.desc()).limit(20))
    assert all(bounds.contains(f.latitude, f.longitude) for f in facilities)
    asset = db.session.scalars(sa.select(Asset).order_by(Asset.id.desc()).limit(1)).one()
    assert tags.is_valid(asset.tag)

    login_as("regulator")
    assert client.get("/assets").status_code == 200
    found = client.get(f"/assets?q={asset.tag}")
    assert found.status_code == 200 and tags.display(asset.tag) in found.get_data(as_text=True)
    assert client.get(f"/facilities/{asset.facility_id}").status_code == 200
    assert client.get(f"/assets/{asset.id}").status_code == 200


def test_ids_continue_after_existing_rows(db: Any) -> None:
    generate(db.session.connection(), Spec(assets=10, records=0, inspections=0))
    first = _scalar(db, "SELECT max(id) FROM asset")
    generate(db.session.connection(), Spec(assets=10, records=0, inspections=0, seed=9))
    assert _scalar(db, "SELECT max(id) FROM asset") == first + 10
