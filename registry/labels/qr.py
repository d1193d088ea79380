"""QR codes that open an asset's landing page: `PUBLIC_BASE_URL/t/<tag>`.

Error correction Q (a quarter of the code may be scuffed off) and the standard four-module
quiet zone. The tag is its own segment in QR alphanumeric mode (tags use only upper-case
letters and digits), which keeps the code a version smaller than all-bytes.
"""

from __future__ import annotations

import base64
import io
import ipaddress
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
import qrcode.image.svg
import qrcode.util
from flask import current_app

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4
# The base URL is split into numeric/alphanumeric/byte runs where a run is at least this long.
_OPTIMIZE = 6
ALPHA_NUM: Literal[2] = 2  # qrcode.util.MODE_ALPHA_NUM


def landing_url(tag: str) -> str:
    """Return the URL a scanned tag opens (the contract: PUBLIC_BASE_URL + "/t/" + tag)."""
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + "/t/" + tag


def base_url_is_loopback(base_url: str | None = None) -> bool:
    """Whether the base URL names this machine only (127.0.0.0/8, ::1, localhost, 0.0.0.0):
    a code printed with it opens nothing on a phone."""
    url = str(current_app.config["PUBLIC_BASE_URL"]) if base_url is None else base_url
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def build(tag: str, base_url: str | None = None, *, box_size: int = 10) -> qrcode.QRCode:
    """Return the QR code of a tag's landing URL, the tag segment in alphanumeric mode."""
    url = landing_url(tag) if base_url is None else base_url.rstrip("/") + "/t/" + tag
    prefix = url[: -len(tag)]
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE, box_size=box_size)
    code.add_data(prefix, optimize=_OPTIMIZE)
    code.add_data(qrcode.util.QRData(tag.encode("ascii"), mode=ALPHA_NUM))
    code.make(fit=True)
    return code


def svg_bytes(tag: str, base_url: str | None = None) -> bytes:
    """Return the QR code as SVG (black paths on a white square, sized in mm)."""
    code = build(tag, base_url)
    out = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(out)
    return out.getvalue()


def png_bytes(tag: str, base_url: str | None = None, *, box_size: int = 10) -> bytes:
    """Return the QR code as a black-and-white PNG, `box_size` pixels a module."""
    code = build(tag, base_url, box_size=box_size)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def png_data_uri(tag: str, base_url: str | None = None) -> str:
    """Return a one-pixel-a-module PNG as a data URI, for the label sheet (cached)."""
    base = landing_url("").removesuffix("/t/") if base_url is None else base_url
    return _png_data_uri(tag, base)


@lru_cache(maxsize=4096)
def _png_data_uri(tag: str, base_url: str) -> str:
    """Return the data URI of a tag's code: the same tag and base URL give the same image.

    The sheet scales it up without smoothing (`image-rendering: pixelated`): crisp modules
    with no hairline seams between them, which vector squares get from anti-aliasing.
    """
    png = png_bytes(tag, base_url, box_size=1)
    return "data:image/png;base64," + base64.b64encode(png).decode()
