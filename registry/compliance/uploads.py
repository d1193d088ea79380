"""Attached files of activity records: a PDF or an image, checked by content, not in static/.

A file is kept only when its content, its name's extension and the type the browser declared
all agree: a file named `x.html` that starts with `%PDF-` is refused, not stored as a PDF to be
opened as a web page later. Images are decoded and encoded afresh, so nothing rides along in
them (EXIF, comments, trailing data).
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from flask import abort
from flask import current_app
from PIL import Image
from PIL import UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from registry.core.errors import N_
from registry.core.errors import Invalid
from registry.core.search import clean
from registry.core.storage import send_stored
from registry.core.storage import store
from registry.core.text import strip_invisible

MAX_PIXELS = 40_000_000
SUBDIR = "records"

# The name's extension says which kind of file it must be.
KIND_OF_EXTENSION = {
    "pdf": "PDF",
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
}
# Types a browser may declare for each kind; an unknown type (or none) says nothing.
DECLARED = {
    "PDF": {"application/pdf", "application/x-pdf"},
    "JPEG": {"image/jpeg", "image/pjpeg"},
    "PNG": {"image/png", "image/x-png"},
    "GIF": {"image/gif"},
    "WEBP": {"image/webp"},
}
UNDECLARED = {"", "application/octet-stream", "binary/octet-stream"}
# What is stored and served: the only types a download can carry.
STORED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _bad(message: str) -> Invalid:
    return Invalid(message, errors={"attachment": [message]})


def _max_bytes() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024)


def _fresh(img: Image.Image) -> Image.Image:
    """Copy the pixels only: a new image carries no info (EXIF, COM comments, ICC, text)."""
    if img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
    fresh = Image.new(img.mode, img.size)
    fresh.paste(img)
    return fresh


def _reencode(data: bytes, kind: str) -> tuple[bytes, str, str]:
    """Decode an image of the expected kind and encode it afresh without metadata."""
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as probe:
            probe.verify()
        img: Image.Image
        with Image.open(io.BytesIO(data), formats=[kind]) as img:
            if img.width * img.height > MAX_PIXELS:
                raise _bad(N_("The image is too large."))
            img.load()
            out = io.BytesIO()
            if kind == "JPEG":
                _fresh(img.convert("RGB")).save(out, "JPEG", quality=90)
                return out.getvalue(), "image/jpeg", "jpg"
            _fresh(img).save(out, "PNG")
            return out.getvalue(), "image/png", "png"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _bad(N_("The file's content does not match its name's extension.")) from None


def _is_pdf(data: bytes) -> bool:
    # A PDF starts with its header and ends with %%EOF (readers allow 1 KB of trailing bytes).
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def _kind(upload: FileStorage) -> str:
    """The kind of file the name and the declared type claim; refuse when they disagree."""
    name = upload.filename or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KIND_OF_EXTENSION.get(ext)
    if kind is None:
        raise _bad(N_("Attach a PDF or an image (JPEG, PNG)."))
    declared = (upload.mimetype or "").lower()
    if declared not in UNDECLARED and declared not in DECLARED[kind]:
        raise _bad(N_("The file's declared type does not match its name."))
    return kind


def _safe_name(original: str | None, fallback: str, ext: str) -> str:
    """The original name for the download: one line, no folders, the stored type's extension."""
    # Control characters would break the download's Content-Disposition header (CR/LF) or the
    # database (NUL); slashes would pose as folders; a bidi override (U+202E) would show
    # `report‮fdp.exe` as `reportexe.pdf`.
    name = strip_invisible(clean(original)).replace("/", "_").replace("\\", "_").strip(". ")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:180] or fallback}.{ext}"


def store_attachment(upload: FileStorage, subdir: str = SUBDIR) -> tuple[str, str, str]:
    """Check and keep an uploaded file; return (relative path, content type, original name)."""
    data = upload.stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        raise _bad(N_("The file is too large."))
    if not data:
        raise _bad(N_("The file is empty."))
    kind = _kind(upload)
    if kind == "PDF":
        if not _is_pdf(data):
            raise _bad(N_("The file's content does not match its name's extension."))
        content, ctype, ext = data, "application/pdf", "pdf"
    else:
        content, ctype, ext = _reencode(data, kind)
    stored = uuid.uuid4().hex
    store().put(f"{subdir}/{stored}.{ext}", content, ctype)
    return f"{subdir}/{stored}.{ext}", ctype, _safe_name(upload.filename, stored, ext)


def download_of(stored_type: str | None, name: str | None) -> tuple[str, str]:
    """The type and file name to serve a stored attachment with (rows of older versions too)."""
    ctype = stored_type if stored_type in STORED_TYPES else "application/octet-stream"
    return ctype, _safe_name(name, "attachment", STORED_TYPES.get(ctype, "bin"))


def send_attachment(path: str | None, stored_type: str | None, name: str | None) -> Any:
    """Serve a stored attachment: images inline, other files as downloads (with the RFC 5987
    `filename*` for non-ASCII names), never sniffed; 404 when there is none or the stored copy
    is gone."""
    if not path:
        abort(404)
    ctype, download_name = download_of(stored_type, name)
    try:
        response = send_stored(
            path,
            mimetype=ctype,
            as_attachment=not ctype.startswith("image/"),
            download_name=download_name,
        )
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
