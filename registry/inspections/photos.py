"""Photos: decoded to prove they are images, re-encoded as JPEG without EXIF, stored once."""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from PIL import Image
from PIL import ImageOps
from PIL import UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.core.errors import DomainError
from registry.core.errors import Invalid
from registry.core.storage import store
from registry.extensions import db
from registry.inspections.models import CorrectiveAction
from registry.inspections.models import Finding
from registry.inspections.models import Inspection
from registry.inspections.models import Photo

FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Phones take 12-50 megapixel photos; anything far beyond is a decompression bomb.
DEFAULT_MAX_PIXELS = 60_000_000
STORED_MAX_SIDE = 2048


class TooLarge(DomainError):
    """The upload is larger than the server accepts."""

    status = 413


def _limit(name: str, default: int) -> int:
    return int(current_app.config.get(name) or default)


def _not_an_image() -> Invalid:
    return Invalid(
        _("The file is not a photo the server can read (JPEG, PNG, WebP or GIF)."),
        errors={"file": [_("Not an image.")]},
    )


def _decode(raw: bytes) -> Image.Image:
    """Decode an upload, refusing what is not an image and decompression bombs."""
    max_pixels = _limit("PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=FORMATS)
            # The header gives the size before any pixel is decoded: refuse bombs here.
            if image.width * image.height > max_pixels:
                raise Invalid(
                    _("The image has too many pixels."), errors={"file": [_("Too many pixels.")]}
                )
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Invalid(
                _("The image has too many pixels."), errors={"file": [_("Too many pixels.")]}
            ) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise _not_an_image() from exc
    return image


def _reencode(image: Image.Image) -> tuple[bytes, int, int]:
    """Turn the image upright, shrink it, and save a JPEG that carries no metadata."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height


def read_upload(stream: Any) -> bytes:
    """Read an uploaded file, refusing it when it passes the size limit."""
    limit = _limit("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(_("The photo is larger than %(mb)s MB.", mb=limit // (1024 * 1024) or 1))
    if not raw:
        raise Invalid(_("The file is empty."), errors={"file": [_("The file is empty.")]})
    return raw


def _existing(owner: dict[str, Any], digest: str) -> Photo | None:
    stmt = select(Photo).where(Photo.sha256 == digest)
    if owner.get("inspection_id") is not None:
        stmt = stmt.where(Photo.inspection_id == owner["inspection_id"])
    else:
        stmt = stmt.where(Photo.corrective_action_id == owner["corrective_action_id"])
    return db.session.scalar(stmt)


def store_photo(
    raw: bytes,
    *,
    inspection: Inspection | None = None,
    finding: Finding | None = None,
    action: CorrectiveAction | None = None,
    uploaded_by: Any = None,
) -> tuple[Photo, bool]:
    """Store a photo of an inspection (or its finding) or of a fix; return (photo, created)."""
    digest = hashlib.sha256(raw).hexdigest()
    owner: dict[str, Any] = {
        "inspection_id": inspection.id if inspection else None,
        "finding_id": finding.id if finding else None,
        "corrective_action_id": action.id if action else None,
    }
    found = _existing(owner, digest)
    if found is not None:
        return found, False
    data, width, height = _reencode(_decode(raw))
    folder = "inspections" if inspection else "corrective-actions"
    parent = owner["inspection_id"] or owner["corrective_action_id"]
    relative = f"{folder}/{parent}/{uuid.uuid4().hex}.jpg"
    store().put(relative, data, "image/jpeg")
    photo = Photo(
        **owner,
        path=relative,
        sha256=digest,
        width=width,
        height=height,
        bytes=len(data),
        uploaded_by_id=getattr(uploaded_by, "id", None),
    )
    db.session.add(photo)
    try:
        db.session.flush()
    except IntegrityError:
        # The same photo arrived twice at once: keep the first, forget this copy.
        db.session.rollback()
        store().delete(relative)
        found = _existing(owner, digest)
        if found is None:
            raise
        return found, False
    return photo, True
