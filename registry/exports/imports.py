"""Bulk import of tanks and pipelines: validate every row, then write all of them or none."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import selectin_polymorphic

from registry.assets import tags
from registry.assets.models import ASSET_CLASSES
from registry.assets.models import Asset
from registry.assets.models import Pipeline
from registry.assets.models import Tank
from registry.assets.schemas import AssetInSchema
from registry.audit.services import record_created
from registry.auth import policy
from registry.core.schemas import translate_errors
from registry.exports import tables
from registry.exports.rows import ASSET_FIELDS
from registry.extensions import db
from registry.sites.models import Facility
from registry.sites.services import apply_changes

_TRUE = {"true", "1", "yes", "y", "是", "有", "on"}
_FALSE = {"false", "0", "no", "n", "否", "无", "off"}
_BOOLEANS = ("spill_containment", "overfill_prevention", "line_leak_detector")
_CHUNK = 500


@dataclass
class Report:
    """What an import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})


@dataclass
class _Row:
    line: int
    data: dict[str, Any]
    existing_id: int | None = None


def _raw(cells: list[str], columns: list[str | None]) -> dict[str, Any]:
    """The cells of a line as the schema's input: blanks dropped, lists split, yes/no read."""
    raw: dict[str, Any] = {}
    for name, cell in zip(columns, cells, strict=False):
        text = (cell or "").strip()
        if name not in ASSET_FIELDS or text == "":
            continue
        if name == "leak_detection":
            raw[name] = [p.strip() for p in text.replace("；", ";").split(";") if p.strip()]
        elif name in _BOOLEANS and text.lower() in _TRUE | _FALSE:
            raw[name] = text.lower() in _TRUE
        else:
            raw[name] = text
    return raw


def _flatten(messages: Any, column: str | None = None) -> list[tuple[str | None, str]]:
    """(column, message) pairs of a marshmallow error dict (list items folded into their field)."""
    if isinstance(messages, dict):
        out: list[tuple[str | None, str]] = []
        for key, value in messages.items():
            name = column if isinstance(key, int) or key == "_schema" else str(key)
            out += _flatten(value, name)
        return out
    if isinstance(messages, list):
        return [pair for m in messages for pair in _flatten(m, column)]
    return [(column, str(messages))]


def _columns(header: list[str], report: Report) -> list[str | None]:
    """Map the header to field names; report unknown and missing columns (line 1)."""
    known = tables.header_names()
    columns = [tables.field_of(h, known) for h in header]
    for text, name in zip(header, columns, strict=False):
        if name is None and text.strip():
            report.add(1, text.strip(), _("Unknown column."))
    present = set(columns)
    for required in ("kind", "operator_ref", "substance"):
        if required not in present:
            report.add(1, required, _("This column is missing."))
    if "facility_id" not in present and "facility_name" not in present:
        report.add(1, "facility_id", _("This column is missing."))
    return columns


def _facilities(user: Any, lines: list[tuple[int, list[str]]], columns: list[str | None]) -> Any:
    """The facilities the user may import into, by id and by name (two small queries)."""
    stmt: Any = select(Facility.id, Facility.name, Facility.organization_id)
    stmt = policy.scope(stmt, user, Facility.organization_id)
    ids = {
        c
        for _n, cells in lines
        for name, c in zip(columns, cells, strict=False)
        if name == "facility_id"
    }
    names = {
        c
        for _n, cells in lines
        for name, c in zip(columns, cells, strict=False)
        if name == "facility_name"
    }
    numeric = {int(i) for i in ids if i.strip().isdigit() and len(i.strip()) < 12}
    by_id = {r.id: r for r in db.session.execute(stmt.where(Facility.id.in_(numeric)))}
    by_name: dict[str, list[int]] = {}
    if names:
        for r in db.session.execute(stmt.where(Facility.name.in_({n.strip() for n in names}))):
            by_name.setdefault(r.name, []).append(r.id)
    return by_id, by_name


def _resolve_facility(raw: dict[str, Any], cells: dict[str, str], by_name: Any) -> str | None:
    """Fill facility_id from facility_name when only the name is given; return an error."""
    if "facility_id" in raw or not cells.get("facility_name", "").strip():
        return None
    found = by_name.get(cells["facility_name"].strip(), [])
    if len(found) != 1:
        return _("No such facility.") if not found else _("Several facilities have this name.")
    raw["facility_id"] = found[0]
    return None


def _validate(
    user: Any, lines: list[tuple[int, list[str]]], columns: list[str | None], report: Report
) -> list[_Row]:
    """Run every line through the asset schema and the facility check; collect every error."""
    schema = AssetInSchema()
    by_id, by_name = _facilities(user, lines, columns)
    good: list[_Row] = []
    seen: dict[tuple[int, str], int] = {}
    for line, cells in lines:
        raw = _raw(cells, columns)
        named = {n: c for n, c in zip(columns, cells, strict=False) if n}
        problem = _resolve_facility(raw, named, by_name)
        if problem:
            report.add(line, "facility_name", problem)
            continue
        try:
            data = schema.load(raw)
        except ValidationError as err:
            for column, message in _flatten(translate_errors(err.messages)):
                report.add(line, column, message)
            continue
        if data["facility_id"] not in by_id:
            report.add(line, "facility_id", _("No such facility."))
            continue
        if not data.get("operator_ref"):
            report.add(line, "operator_ref", _("An import needs the operator's reference."))
            continue
        key = (data["facility_id"], data["operator_ref"])
        if key in seen:
            report.add(
                line, "operator_ref", _("The same reference is on line %(line)s.", line=seen[key])
            )
            continue
        seen[key] = line
        good.append(_Row(line, data))
    return good


def _match_existing(rows: list[_Row], report: Report) -> None:
    """Find rows already registered (same facility and operator's reference)."""
    facility_ids = {r.data["facility_id"] for r in rows}
    stmt = select(Asset.id, Asset.facility_id, Asset.operator_ref, Asset.kind)
    found = {}
    ids = sorted(facility_ids)
    for i in range(0, len(ids), _CHUNK):
        part = stmt.where(
            Asset.facility_id.in_(ids[i : i + _CHUNK]), Asset.operator_ref.is_not(None)
        )
        found.update({(f, ref): (aid, kind) for aid, f, ref, kind in db.session.execute(part)})
    for row in rows:
        hit = found.get((row.data["facility_id"], row.data["operator_ref"]))
        if hit is None:
            continue
        if hit[1] != row.data["kind"]:
            report.add(row.line, "kind", _("The kind of an asset cannot change."))
        row.existing_id = hit[0]


def read_rows(user: Any, data: bytes, filename: str | None, report: Report) -> list[_Row]:
    """Read and validate a file; errors go to the report (with their line and column)."""
    try:
        lines = [(n, cells) for n, cells in tables.read_lines(data, filename)]
    except (tables.UnreadableFile, ValueError):
        report.add(None, "file", _("Upload a CSV (UTF-8) or XLSX file."))
        return []
    lines = [(n, c) for n, c in lines if any((x or "").strip() for x in c)]
    if not lines:
        report.add(None, "file", _("The file is empty."))
        return []
    limit = int(current_app.config.get("IMPORT_MAX_ROWS", 50000))
    if len(lines) - 1 > limit:
        report.add(None, "file", _("At most %(n)s rows can be imported at once.", n=limit))
        return []
    columns = _columns(lines[0][1], report)
    if report.errors:
        return []
    rows = _validate(user, lines[1:], columns, report)
    if not rows and not report.errors:
        report.add(None, "file", _("The file has no rows."))
    _match_existing(rows, report)
    return rows


def _new_tags(n: int) -> list[str]:
    """n fresh tags, unused in the database (checked in chunks of a few hundred)."""
    out: list[str] = []
    while len(out) < n:
        batch = list(dict.fromkeys(tags.generate() for _ in range(n - len(out))))
        taken: set[str] = set()
        for i in range(0, len(batch), _CHUNK):
            part = batch[i : i + _CHUNK]
            taken |= set(db.session.scalars(select(Asset.tag).where(Asset.tag.in_(part))))
        out += [t for t in batch if t not in taken and t not in out]
    return out


def _insert(rows: list[_Row]) -> None:
    """Bulk-insert new assets (ORM bulk INSERT, no per-row flush) and one audit event each."""
    new = [r for r in rows if r.existing_id is None]
    for kind, cls in ASSET_CLASSES.items():
        batch = [r.data for r in new if r.data["kind"] == kind]
        if not batch:
            continue
        fresh = _new_tags(len(batch))
        values = [dict(d, tag=t, version=1) for d, t in zip(batch, fresh, strict=True)]
        ids = db.session.scalars(
            insert(cls).returning(cls.id, sort_by_parameter_order=True), values
        ).all()
        record_created("asset", list(zip(ids, values, strict=True)))


def _update(rows: list[_Row]) -> None:
    """Apply a re-imported row to its asset; the audit hook records what changed."""
    old = [r for r in rows if r.existing_id is not None]
    for i in range(0, len(old), _CHUNK):
        part = old[i : i + _CHUNK]
        stmt = select(Asset).where(Asset.id.in_([r.existing_id for r in part]))
        assets = {
            a.id: a
            for a in db.session.scalars(stmt.options(selectin_polymorphic(Asset, [Tank, Pipeline])))
        }
        for row in part:
            changes = {k: v for k, v in row.data.items() if k not in ("kind", "facility_id")}
            apply_changes(assets[int(row.existing_id or 0)], changes)
        db.session.flush()


def import_assets(user: Any, data: bytes, filename: str | None) -> Report:
    """Validate a CSV/XLSX of tanks and pipelines and write every row, or none (errors set)."""
    report = Report()
    rows = read_rows(user, data, filename, report)
    if report.errors:
        report.errors.sort(key=lambda e: e["row"] or 0)
        return report
    _insert(rows)
    _update(rows)
    report.updated = sum(1 for r in rows if r.existing_id is not None)
    report.created = len(rows) - report.updated
    return report
