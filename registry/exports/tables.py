"""Read an uploaded CSV or XLSX into a header and numbered rows of text cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from openpyxl import load_workbook

from registry.audit.labels import FIELD_LABELS
from registry.exports.rows import ASSET_EXTRA
from registry.exports.rows import ASSET_FIELDS
from registry.exports.rows import zh_label

Line = tuple[int, list[str]]
# Columns an export or the API's answer carries that an import reads past.
IGNORED = (*ASSET_EXTRA, "version", "created_at", "updated_at", "organization_name")


class UnreadableFile(ValueError):
    """The upload is neither a CSV nor an XLSX this importer can read."""


def _decode(data: bytes) -> str:
    # Excel on a Chinese Windows saves "CSV" in GB18030 (GBK); everyone else in UTF-8.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("encoding") from exc


def _csv_lines(data: bytes) -> Iterator[Line]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    # Excel in some locales writes `;` between cells, some tools a tab.
    delimiter = max(",;\t", key=first.count) if first.count(",") == 0 else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    for row in reader:
        # A quoted cell may span lines: a row is numbered by the line it starts on.
        yield last + 1, row
        last = reader.line_num


def _text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_lines(data: bytes) -> Iterator[Line]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnreadableFile("xlsx") from exc
    try:
        sheet = book.worksheets[0]
        for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield n, [_text(v) for v in row]
    finally:
        book.close()


def read_lines(data: bytes, filename: str | None) -> Iterator[Line]:
    """Yield (line number, cells) of a CSV or XLSX (told apart by content, then by name)."""
    name = (filename or "").lower()
    if data.startswith(b"PK") or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_lines(data)
    return _csv_lines(data)


def header_names() -> dict[str, str]:
    """Every accepted spelling of a column -> its field name."""
    known: dict[str, str] = {}
    for name in ASSET_FIELDS + IGNORED:
        known[name] = name
        zh = zh_label(name)
        if zh:
            known[zh] = name
            known[f"{name} {zh}"] = name
        label = FIELD_LABELS.get(name)
        if label is not None:
            with force_locale("en"):
                known[str(label).lower()] = name
    return known


def field_of(header: str, known: dict[str, str]) -> str | None:
    """The field a header names: `capacity_litres`, `capacity_litres 容量(升)` or `容量(升)`."""
    text = " ".join((header or "").replace("\ufeff", "").split())
    if text in known:
        return known[text]
    if text.lower() in known:
        return known[text.lower()]
    first = text.split(" ", 1)[0]
    return known.get(first) if first in ASSET_FIELDS + IGNORED else None
