"""Bulk import of tanks and pipelines: validate every row, then write all of them or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import Schema
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.assets.models import Asset
from registry.assets.schemas import AssetInSchema
from registry.auth import policy
from registry.core import choices
from registry.core.schemas import form_input
from registry.core.schemas import translate_errors
from registry.exports import bulk
from registry.exports import tables
from registry.exports.bulk import Row
from registry.exports.rows import ASSET_FIELDS
from registry.extensions import db
from registry.sites.models import Facility

_TRUE = {"true", "1", "yes", "y", "是", "有", "on"}
_FALSE = {"false", "0", "no", "n", "否", "无", "off"}
_BOOLEANS = ("spill_containment", "overfill_prevention", "line_leak_detector")
_CHUNK = 500
_NEUTRALISED = ("=", "+", "-", "@")
_CHOICE_FIELDS = {
    "kind": "asset_kind",
    "substance": "substance",
    "status": "asset_status",
    "wall": "wall",
    "material": "material",
    "corrosion_protection": "corrosion_protection",
    "anti_seepage": "anti_seepage",
    "leak_detection": "leak_detection",
    "piping_type": "piping_type",
}


@dataclass
class Report:
    """What an import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})


def choice_codes() -> dict[str, dict[str, str]]:
    """field -> {label in Chinese or English (lower case): code}, so that a sheet saying
    `储罐` or `Double-walled` reads as `tank` or `double`."""
    out: dict[str, dict[str, str]] = {}
    for name, group in _CHOICE_FIELDS.items():
        codes: dict[str, str] = {}
        for locale in ("en", "zh"):
            with force_locale(locale):
                codes.update(
                    {str(label).lower(): code for code, label in choices.ALL[group].items()}
                )
        out[name] = codes
    return out


def _code(name: str, text: str, codes: dict[str, dict[str, str]]) -> str:
    return codes[name].get(text.lower(), text) if name in codes else text


def _raw(
    cells: list[str], columns: list[str | None], codes: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """The cells of a line as the schema's input: blanks dropped, lists split, yes/no and
    choice labels read."""
    raw: dict[str, Any] = {}
    for name, cell in zip(columns, cells, strict=False):
        text = (cell or "").strip()
        if name not in ASSET_FIELDS or text == "":
            continue
        if text[:1] == "'" and text[1:2] in _NEUTRALISED:
            text = text[1:]  # an export's guard against formulas, not part of the value
        if name == "leak_detection":
            parts = [p.strip() for p in text.replace("；", ";").split(";")]
            raw[name] = [_code(name, p, codes) for p in parts if p]
        elif name in _BOOLEANS and text.lower() in _TRUE | _FALSE:
            raw[name] = text.lower() in _TRUE
        else:
            raw[name] = _code(name, text, codes)
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


def _remembering(schema: Schema) -> Schema:
    """Let each field of this schema instance remember what it made of a value: a file
    repeats the same kind, substance, dates and yes/no thousands of times. The fields,
    their validators and the schema's own checks are unchanged; only repeats are skipped."""
    for field_ in schema.load_fields.values():
        field_.deserialize = _remember(field_.deserialize)  # type: ignore[method-assign]
    return schema


def _remember(deserialize: Callable[..., Any]) -> Callable[..., Any]:
    cache: dict[Any, tuple[bool, Any]] = {}

    def wrapper(value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            hit: tuple[bool, Any] | None = cache.get(key)
        except TypeError:  # unhashable: not worth remembering
            return deserialize(value, attr, data, **kwargs)
        if hit is None:
            try:
                hit = (True, deserialize(value, attr, data, **kwargs))
            except ValidationError as err:
                hit = (False, err.messages)
            cache[key] = hit
        ok, result = hit
        if not ok:
            raise ValidationError(result)
        return list(result) if isinstance(result, list) else result

    return wrapper


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
    numeric = sorted({int(i) for i in ids if i.strip().isdigit() and len(i.strip()) < 12})
    by_id = {}
    for i in range(0, len(numeric), _CHUNK):
        part = stmt.where(Facility.id.in_(numeric[i : i + _CHUNK]))
        by_id.update({r.id: r for r in db.session.execute(part)})
    by_name: dict[str, list[int]] = {}
    if names:
        for r in db.session.execute(stmt.where(Facility.name.in_({n.strip() for n in names}))):
            by_name.setdefault(r.name, []).append(r.id)
            by_id[r.id] = r
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
) -> list[Row]:
    """Run every line through the asset schema and the facility check; collect every error."""
    # Only the file's columns: a column the file lacks is neither validated nor overwritten.
    present = {c for c in columns if c in ASSET_FIELDS} | {"facility_id"}
    schema = _remembering(AssetInSchema(only=sorted(present)))
    by_id, by_name = _facilities(user, lines, columns)
    codes = choice_codes()
    good: list[Row] = []
    seen: dict[tuple[int, str], int] = {}
    for line, cells in lines:
        raw = _raw(cells, columns, codes)
        named = {n: c for n, c in zip(columns, cells, strict=False) if n}
        problem = _resolve_facility(raw, named, by_name)
        if problem:
            report.add(line, "facility_name", problem)
            continue
        try:
            with form_input():
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
        good.append(Row(line, data))
    return good


def _match_existing(rows: list[Row], report: Report) -> None:
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


def read_rows(user: Any, data: bytes, filename: str | None, report: Report) -> list[Row]:
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
        report.add(
            None,
            "file",
            ngettext(
                "At most %(num)s row can be imported at once.",
                "At most %(num)s rows can be imported at once.",
                limit,
            ),
        )
        return []
    columns = _columns(lines[0][1], report)
    if report.errors:
        return []
    rows = _validate(user, lines[1:], columns, report)
    if not rows and not report.errors:
        report.add(None, "file", _("The file has no rows."))
    _match_existing(rows, report)
    return rows


def import_assets(user: Any, data: bytes, filename: str | None) -> Report:
    """Validate a CSV/XLSX of tanks and pipelines and write every row, or none (errors set)."""
    report = Report()
    with bulk.collector_paused():
        rows = read_rows(user, data, filename, report)
        if report.errors:
            report.errors.sort(key=lambda e: e["row"] or 0)
            return report
        try:
            with db.session.begin_nested():
                bulk.insert_new(rows)
                bulk.update_existing(rows)
        except IntegrityError:
            # Another import (or a form) registered one of these references a moment ago:
            # nothing of this file is kept; sent again, its rows match and update.
            report.add(
                None,
                "operator_ref",
                _(
                    "These references were registered by someone else a moment ago;"
                    " upload the file again."
                ),
            )
            return report
    report.updated = sum(1 for r in rows if r.existing_id is not None)
    report.created = len(rows) - report.updated
    return report
