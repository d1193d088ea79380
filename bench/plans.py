"""Print EXPLAIN (ANALYZE, BUFFERS) of the asset list's queries on a generated schema (Markdown).

    BENCH_DATABASE_URL=postgresql+psycopg://... python -m bench.plans bench_assets_1000000

Not a bench (no run()): the plans quoted in docs/PERFORMANCE.md come from it.
"""

from __future__ import annotations

import sys
from typing import Any

import sqlalchemy as sa


def _explain(db: Any, title: str, stmt: Any) -> None:
    sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = (
        db.session.execute(sa.text(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")).scalars().all()
    )
    print(f"### {title}\n\n```\n" + "\n".join(plan) + "\n```\n")


def main(argv: list[str] | None = None) -> int:
    """Explain the list, search and page queries as the regulator runs them."""
    from bench._setup import bench_user
    from bench._setup import make_app
    from bench._setup import pg_url
    from registry.assets.models import Asset
    from registry.assets.services import asset_list
    from registry.assets.services import assets_query
    from registry.core.pagination import LIST_COUNT_CAP
    from registry.core.postgres import index_driven
    from registry.extensions import db

    schema = (argv or sys.argv[1:])[0]
    url = pg_url()
    assert url, "set BENCH_DATABASE_URL"
    app = make_app(url, schema)
    with app.test_request_context():
        user = bench_user()
        fac_name = db.session.scalar(sa.text("SELECT name FROM facility ORDER BY id DESC LIMIT 1"))
        tag, code = db.session.execute(
            sa.text(
                "SELECT a.tag, o.credit_code FROM asset a JOIN facility f ON f.id = a.facility_id"
                " JOIN organization o ON o.id = f.organization_id ORDER BY a.id DESC LIMIT 1"
            )
        ).one()
        for q in (None, fac_name, tag, code, "中石化"):
            listing = asset_list(user, {"q": q})
            capped = listing.counted.order_by(None).limit(LIST_COUNT_CAP + 1).subquery()
            count = sa.select(sa.func.count()).select_from(capped)
            with index_driven(db.session, when=listing.searched):  # as the list view does
                _explain(db, f"/assets?q={q or ''}: page of 25", listing.page.limit(25))
                _explain(db, f"/assets?q={q or ''}: count", count)
        with index_driven(db.session):
            broad = asset_list(user, {"q": "中石化"}).walked
            _explain(db, "/assets?q=中石化: page when the count is capped", broad.limit(25))
        after = assets_query(user, {}).where(Asset.id > 500_000)
        _explain(db, "/assets?after=500000: keyset page", after.limit(25))
        offset = assets_query(user, {}).limit(25).offset(499_975)
        _explain(db, "/assets?page=20000: offset page", offset)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
