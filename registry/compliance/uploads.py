"""Attached files of activity records: a PDF or an image, checked by content, not in static/."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from flask import current_app
from PIL import Image
from PIL import UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from registry.core.errors import Invalid
from registry.core.search import clean

MAX_PIXELS = 40_000_000
SUBDIR = "records"


def _bad(message: str) -> Invalid:
    return Invalid("attachment", errors={"attachment": [message]})


def _max_bytes() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024)


def _reencode(data: bytes) -> tuple[bytes, str, str]:
    """Decode an image and encode it afresh (drops metadata and anything hidden in it)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        img: Image.Image
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise _bad("The image is too large.")
            img.load()
            out = io.BytesIO()
            if img.format == "JPEG":
                img.convert("RGB").save(out, "JPEG", quality=90)
                return out.getvalue(), "image/jpeg", "jpg"
            if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                img = img.convert("RGBA")
            img.save(out, "PNG")
            return out.getvalue(), "image/png", "png"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _bad("Attach a PDF or an image (JPEG, PNG).") from None


def store_attachment(upload: FileStorage) -> tuple[str, str, str]:
    """Check and keep an uploaded file; return (relative path, content type, original name)."""
    data = upload.stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        raise _bad("The file is too large.")
    if not data:
        raise _bad("The file is empty.")
    if data.startswith(b"%PDF-"):
        content, ctype, ext = data, "application/pdf", "pdf"
    else:
        content, ctype, ext = _reencode(data)
    folder = Path(current_app.config["UPLOAD_DIR"]) / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{ext}"
    (folder / name).write_bytes(content)
    # Control characters would break the download's Content-Disposition header (CR/LF) or the
    # database (NUL); slashes would pose as folders.
    original = clean(upload.filename).replace("/", "_").replace("\\", "_")[-200:] or name
    return f"{SUBDIR}/{name}", ctype, original


def attachment_file(relative: str) -> Path:
    """Return the absolute path of a stored attachment."""
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise FileNotFoundError(relative)
    return path
