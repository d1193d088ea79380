"""CSV, XLSX and GeoJSON writers that stream: rows in, chunks out, never all in memory."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"
# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too: some
# programs strip them and then see the formula).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FLUSH_ROWS = 500
_CHUNK = 64 * 1024


def neutralise(value: Any) -> Any:
    """Prefix `'` to a text cell a spreadsheet would take for a formula; leave the rest."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def csv_chunks(header: Iterable[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """Yield a UTF-8-with-BOM CSV (the BOM lets Excel read Chinese) a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(h) for h in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(v) for v in row])
        if n % _FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters are not allowed in the XML of a sheet.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx_file(header: Iterable[str], rows: Iterable[list[Any]], title: str = "data") -> str:
    """Write an XLSX in openpyxl's write-only mode to a temporary file; return its path."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(handle)
    workbook.save(path)
    return path


def file_chunks(path: str) -> Iterator[bytes]:
    """Yield a file's bytes in chunks and delete it afterwards."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def geojson_chunks(header: list[str], items: Iterable[tuple[list[Any], Any]]) -> Iterator[str]:
    """Yield a GeoJSON FeatureCollection, one feature at a time (no point: null geometry)."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row, point in items:
        geometry = None if point is None else {"type": "Point", "coordinates": list(point)}
        feature = {
            "type": "Feature",
            "geometry": geometry,
            "properties": dict(zip(header, row, strict=True)),
        }
        yield ("" if first else ",") + "\n" + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"
