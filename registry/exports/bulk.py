"""Write validated import rows: new assets in bulk (executemany), changed ones through the ORM."""

from __future__ import annotations

import contextlib
import gc
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.orm import selectin_polymorphic

from registry.assets import tags
from registry.assets.models import ASSET_CLASSES
from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.audit.services import record_created
from registry.core.dates import today
from registry.core.types import utcnow
from registry.extensions import db
from registry.maps.states import mark
from registry.sites.services import apply_changes

_CHUNK = 500
ASSET: Any = Asset.__table__
_NEXT_IDS = sql("SELECT nextval(pg_get_serial_sequence('asset', 'id')) FROM generate_series(1, :n)")
# Defaults of columns a file may leave blank (the models' defaults, for a Core insert).
_DEFAULTS: dict[str, Any] = {
    "status": "in_service",
    "leak_detection": [],
    "compartments": 1,
    "spill_containment": False,
    "overfill_prevention": False,
    "line_leak_detector": False,
}


@dataclass
class Row:
    """One valid line of an import: its number, the schema's data, the asset it matches."""

    line: int
    data: dict[str, Any]
    existing_id: int | None = None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the tens of thousands of small dicts and lists of
    an import or an export set it off again and again over the app's whole heap (half the
    time of the audit events), and they make no reference cycles worth collecting early."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _random_tag() -> str:
    """A tag as `tags.generate()` makes it, from one random number (fast for thousands)."""
    while True:
        n = secrets.randbits(5 * tags.DATA_LENGTH)
        # The check symbol is the data's base-32 value mod 37, i.e. n mod 37.
        if n % 37 < 32:
            symbols = [tags.ALPHABET[(n >> (5 * i)) & 31] for i in range(tags.DATA_LENGTH)]
            return "".join(reversed(symbols)) + tags.ALPHABET[n % 37]


def _new_tags(n: int) -> list[str]:
    """n fresh tags, unused in the database (checked in chunks of a few hundred)."""
    out: dict[str, None] = {}
    while len(out) < n:
        batch = [t for t in {_random_tag() for _ in range(n - len(out))} if t not in out]
        taken: set[str] = set()
        for i in range(0, len(batch), _CHUNK):
            part = batch[i : i + _CHUNK]
            taken |= set(db.session.scalars(select(Asset.tag).where(Asset.tag.in_(part))))
        out.update(dict.fromkeys(t for t in batch if t not in taken))
    return list(out)[:n]


def _column_values(table: Any, data: dict[str, Any], fixed: dict[str, Any]) -> dict[str, Any]:
    """Every column of the table (bar id) for one new row: the data, else the default."""
    out = {}
    for column in table.columns:
        name = column.key
        value = fixed.get(name, data.get(name))
        out[name] = _DEFAULTS.get(name) if value is None else value
    return out


def _insert_base(values: list[dict[str, Any]]) -> list[int]:
    """Insert the `asset` rows; return their ids in order."""
    if db.session.get_bind().dialect.name == "postgresql":
        # A multi-row INSERT … RETURNING costs psycopg four times a plain executemany:
        # take the ids from the sequence first and insert them with the rows.
        ids = list(db.session.scalars(_NEXT_IDS, {"n": len(values)}))
        for value, id_ in zip(values, ids, strict=True):
            value["id"] = id_
        db.session.execute(insert(ASSET), values)
        return ids
    for value in values:
        del value["id"]
    # Rows come back in any order: the (unique, new) tag tells which id is whose, and lets
    # the driver insert in multi-row batches instead of one row at a time.
    returning = insert(ASSET).returning(ASSET.c.tag, ASSET.c.id)
    by_tag = {tag: id_ for tag, id_ in db.session.execute(returning, values)}
    return [by_tag[value["tag"]] for value in values]


def insert_new(rows: list[Row]) -> None:
    """Bulk-insert new assets (two executemany INSERTs, no ORM flush) and one audit event each."""
    new = [r for r in rows if r.existing_id is None]
    if not new:
        return
    now = utcnow()
    fixed = {"id": None, "red_tagged": False, "version": 1, "created_at": now, "updated_at": now}
    values = [
        _column_values(ASSET, r.data, dict(fixed, tag=tag))
        for r, tag in zip(new, _new_tags(len(new)), strict=True)
    ]
    day = today()
    for value in values:
        value["registered_on"] = value["registered_on"] or day
    ids = _insert_base(values)
    # No ORM flush: the facilities' stored compliance states are recomputed on commit.
    mark(db.session, {v["facility_id"] for v in values})
    logged = {i: dict(v) for i, v in zip(ids, values, strict=True)}
    for kind, cls in ASSET_CLASSES.items():
        table: Any = cls.__table__
        sub = [
            _column_values(table, r.data, {"id": i})
            for r, i in zip(new, ids, strict=True)
            if r.data["kind"] == kind
        ]
        if sub:
            db.session.execute(insert(table), sub)
        for part in sub:
            logged[part["id"]].update(part)
    # The event holds every field of the tank or pipeline, as the ORM hook's would.
    record_created(
        "asset", [(i, {k: v for k, v in d.items() if k != "id"}) for i, d in logged.items()]
    )


def _changed(rows: list[Row]) -> list[Row]:
    """The re-imported rows that differ from what is stored (read as plain rows, not objects)."""
    tank: Any = Tank.__table__
    pipe: Any = Pipeline.__table__
    stmt = select(ASSET, tank, pipe).select_from(
        ASSET.outerjoin(tank, tank.c.id == ASSET.c.id).outerjoin(pipe, pipe.c.id == ASSET.c.id)
    )
    out: list[Row] = []
    for i in range(0, len(rows), _CHUNK):
        part = rows[i : i + _CHUNK]
        found = db.session.execute(stmt.where(ASSET.c.id.in_([r.existing_id for r in part])))
        stored = {m["id"]: m for m in found.mappings()}
        for row in part:
            now = stored[row.existing_id]
            if any(now.get(k) != v for k, v in row.data.items()):
                out.append(row)
    return out


def update_existing(rows: list[Row]) -> None:
    """Apply the changed re-imported rows to their assets; the audit hook records what changed."""
    old = _changed([r for r in rows if r.existing_id is not None])
    for i in range(0, len(old), _CHUNK):
        part = old[i : i + _CHUNK]
        stmt = select(Asset).where(Asset.id.in_([r.existing_id for r in part]))
        stmt = stmt.options(selectin_polymorphic(Asset, [Tank, Pipeline]))
        assets = {a.id: a for a in db.session.scalars(stmt)}
        for row in part:
            changes = {k: v for k, v in row.data.items() if k not in ("kind", "facility_id")}
            apply_changes(assets[int(row.existing_id or 0)], changes)
        db.session.flush()
