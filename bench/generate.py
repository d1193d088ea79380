"""Fill a database with a realistic registry at a chosen scale, fast.

Organizations own facilities (inside DISTRICT_BOUNDS), each with 3–5 tanks and 1–2 pipelines,
years of activity records and inspections. Rows go in with COPY on PostgreSQL (psycopg) and
with executemany of a Core insert elsewhere; ids continue after the rows already there.

    python -m bench.generate --url postgresql+psycopg://... --assets 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from registry.assets import tags

AS_OF = date(2026, 11, 20)
BOUNDS = (39.85, 116.37, 39.98, 116.45)
SUBDISTRICTS = tuple(
    "东华门 景山 交道口 安定门 北新桥 东四 朝阳门 建国门 东直门 和平里 前门 崇文门外 东花市 龙潭 "
    "体育馆路 天坛 永定门外".split()
)
BRANDS = ("中石化", "中石油", "中海油", "壳牌", "道达尔", "京燃", "华润", "延长")
ROADS = tuple("东直门内大街 朝阳门北大街 建国门内大街 和平里西街 安定门外大街 崇文门东大街".split())
ACTIVITIES = ("patrol", "interstitial_monitoring_check", "observation_pipe_check")
CHUNK = 20_000


@dataclass
class Spec:
    """What to generate: the number of assets and how each facility's are made up."""

    assets: int
    tanks: tuple[int, int] = (3, 5)
    pipelines: tuple[int, int] = (1, 2)
    records: int | None = None  # activity records; default 4 an asset
    inspections: int | None = None  # default one for every 2 assets
    activities: tuple[str, ...] = ACTIVITIES
    seed: int = 5


class Writer:
    """Append rows to tables: COPY on PostgreSQL, executemany of an insert elsewhere."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def next_id(self, table: sa.Table) -> int:
        """Return the first free id of a table."""
        return int(self.conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def write(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
        """Insert the rows (all dicts with the same keys)."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        if self.pg:
            n = self._copy(table, first, rows)
        else:
            n = 0
            for chunk in _chunks(_chain(first, rows)):
                self.conn.execute(sa.insert(table), chunk)
                n += len(chunk)
        self.counts[table.name] = self.counts.get(table.name, 0) + n

    def _copy(self, table: sa.Table, first: dict[str, Any], rows: Iterator[dict[str, Any]]) -> int:
        cols = list(first)
        json_cols = {c for c in cols if isinstance(table.c[c].type, sa.JSON)}
        raw: Any = self.conn.connection.driver_connection
        n = 0
        names = ", ".join(f'"{c}"' for c in cols)
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in _chain(first, rows):
                copy.write_row([json.dumps(row[c]) if c in json_cols else row[c] for c in cols])
                n += 1
        return n

    def finish(self, tables: Iterable[sa.Table]) -> None:
        """Move PostgreSQL's id sequences past the rows written and refresh the statistics."""
        if self.pg:
            for t in tables:
                self.conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                        f'(SELECT coalesce(max(id), 1) FROM "{t.name}"))'
                    )
                )
        self.conn.execute(sa.text("ANALYZE"))


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tag(rnd: random.Random) -> str:
    while True:
        data = "".join(rnd.choice(tags.ALPHABET) for _ in range(tags.DATA_LENGTH))
        check = tags._check_value(data)
        if check < 32:
            return data + tags.ALPHABET[check]


def _layout(spec: Spec, rnd: random.Random) -> list[tuple[int, int]]:
    """Return (tanks, pipelines) for each facility, adding up to spec.assets."""
    out, left = [], spec.assets
    while left > 0:
        t = min(left, rnd.randint(*spec.tanks))
        p = min(left - t, rnd.randint(*spec.pipelines)) if spec.pipelines[1] else 0
        out.append((t, p))
        left -= t + p
    return out


def _org_rows(start: int, n: int, rnd: random.Random, now: datetime) -> Iterator[dict[str, Any]]:
    for i in range(start, start + n):
        yield {
            "id": i,
            "name": f"{rnd.choice(BRANDS)}北京{rnd.choice(SUBDISTRICTS)}石油销售有限公司{i}",
            "credit_code": f"91110{i:012d}X",
            "address": f"北京市东城区{rnd.choice(ROADS)}{rnd.randint(1, 300)}号",
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }


def _facility_row(fid: int, org: int, rnd: random.Random, now: datetime) -> dict[str, Any]:
    sub = rnd.choice(SUBDISTRICTS)
    return {
        "id": fid,
        "organization_id": org,
        "name": f"{rnd.choice(BRANDS)}{sub}第{fid}加油站",
        "kind": "gas_station" if rnd.random() < 0.85 else "oil_depot",
        "address": f"北京市东城区{rnd.choice(ROADS)}{rnd.randint(1, 300)}号",
        "subdistrict": sub,
        "latitude": round(rnd.uniform(BOUNDS[0], BOUNDS[2]), 6),
        "longitude": round(rnd.uniform(BOUNDS[1], BOUNDS[3]), 6),
        "key_supervised": rnd.random() < 0.1,
        "status": "active",
        "version": 1,
        "created_at": (created := now - timedelta(days=rnd.randint(0, 2000))),
        "registered_on": created.date(),
        "updated_at": now,
    }


def _asset_row(aid: int, fid: int, kind: str, rnd: random.Random, now: datetime) -> dict[str, Any]:
    double = rnd.random() < 0.7
    return {
        "id": aid,
        "facility_id": fid,
        "kind": kind,
        "tag": _tag(rnd),
        "operator_ref": f"{'T' if kind == 'tank' else 'P'}{aid % 100:02d}",
        "substance": rnd.choice(("gasoline", "gasoline", "diesel")),
        "installed_on": date(2005, 1, 1) + timedelta(days=rnd.randint(0, 7000)),
        "status": "in_service" if rnd.random() < 0.95 else "permanently_closed",
        "wall": "double" if double else "single",
        "anti_seepage": "double_wall" if double else "seepage_pit",
        "leak_detection": ["interstitial", "atg"] if double else ["observation_pipe"],
        "red_tagged": False,
        "registered_on": now.date(),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _registry(w: Writer, spec: Spec, rnd: random.Random, md: sa.MetaData) -> list[tuple[int, int]]:
    """Write organizations, facilities, assets, tanks and pipelines; return (asset, facility)."""
    now = datetime(2024, 1, 1, tzinfo=UTC)
    layout = _layout(spec, rnd)
    org0, fac0, asset0 = (w.next_id(md.tables[t]) for t in ("organization", "facility", "asset"))
    n_org = max(1, len(layout) // 30)
    w.write(md.tables["organization"], _org_rows(org0, n_org, rnd, now))
    w.write(
        md.tables["facility"],
        (_facility_row(fac0 + i, org0 + i % n_org, rnd, now) for i in range(len(layout))),
    )
    pairs: list[tuple[int, int, str]] = []
    aid = asset0
    for i, (t, p) in enumerate(layout):
        for kind in ("tank",) * t + ("pipeline",) * p:
            pairs.append((aid, fac0 + i, kind))
            aid += 1
    w.write(md.tables["asset"], (_asset_row(a, f, k, rnd, now) for a, f, k in pairs))
    tank = {"compartments": 1, "spill_containment": False, "overfill_prevention": False}
    w.write(md.tables["tank"], ({"id": a} | tank for a, _, k in pairs if k == "tank"))
    pipe = {"piping_type": "pressurized", "line_leak_detector": False}
    w.write(md.tables["pipeline"], ({"id": a} | pipe for a, _, k in pairs if k == "pipeline"))
    return [(a, f) for a, f, _ in pairs]


Pairs = list[tuple[int, int]]


def _records(spec: Spec, pairs: Pairs, rnd: random.Random) -> Iterator[dict[str, Any]]:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    n = spec.records if spec.records is not None else 4 * len(pairs)
    for _ in range(n):
        aid, fid = pairs[rnd.randrange(len(pairs))]
        yield {
            "asset_id": aid,
            "facility_id": fid,
            "activity": spec.activities[rnd.randrange(len(spec.activities))],
            "performed_on": AS_OF - timedelta(days=int(rnd.expovariate(1 / 40))),
            "result": "pass" if rnd.random() < 0.9 else "fail",
            "created_at": now,
        }


def _inspections(spec: Spec, pairs: Pairs, rnd: random.Random) -> Iterator[dict[str, Any]]:
    n = spec.inspections if spec.inspections is not None else len(pairs) // 2
    for _ in range(n):
        aid, _fid = pairs[rnd.randrange(len(pairs))]
        at = datetime(2022, 1, 1, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 1_500_000))
        yield {
            "asset_id": aid,
            "client_uuid": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "fingerprint": f"{rnd.getrandbits(256):064x}",
            "performed_at": at,
            "checklist_version": "cn-beijing-2024",
            "answers": [],
            "result": "pass" if rnd.random() < 0.85 else "fail",
            "created_at": at,
        }


def generate(conn: sa.Connection, spec: Spec) -> dict[str, int]:
    """Write a registry of spec.assets assets on the connection; return rows per table."""
    from registry.extensions import db

    md = db.metadata
    rnd = random.Random(spec.seed)
    w = Writer(conn)
    pairs = _registry(w, spec, rnd, md)
    w.write(md.tables["activity_record"], _records(spec, pairs, rnd))
    w.write(md.tables["inspection"], _inspections(spec, pairs, rnd))
    names = ("organization", "facility", "asset", "activity_record", "inspection")
    w.finish(md.tables[n] for n in names)
    return w.counts


def main(argv: list[str] | None = None) -> int:
    """Command line: generate a registry into the database at --url."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of a migrated database")
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--create", action="store_true", help="create the tables first")
    args = parser.parse_args(argv)
    import registry.models  # noqa: F401  (every table in the metadata)
    from registry.extensions import db

    engine = sa.create_engine(args.url)
    start = time.perf_counter()
    with engine.begin() as conn:
        if args.create:
            db.metadata.create_all(conn)
        counts = generate(conn, Spec(assets=args.assets))
    print(json.dumps(counts), f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
