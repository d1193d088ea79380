"""Render certificates to PDF with WeasyPrint: A4, one page each, Chinese and English.

The template gets plain dicts only. WeasyPrint's fetcher serves the font and `data:` URIs
and refuses everything else (no file://, no outside hosts).
"""

from __future__ import annotations

import base64
import functools
import io
import threading
from pathlib import Path
from typing import Any

import qrcode
import qrcode.constants
from flask import render_template
from flask_babel import force_locale
from flask_babel import pgettext
from PIL import Image
from weasyprint import CSS
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher
from weasyprint.urls import URLFetcherResponse

import registry

INTERNAL_BASE = "https://pdf-resources.invalid/"
_FONT_DIR = Path(registry.__file__).parent / "fonts"
_FONT_SUFFIXES = (".otf", ".ttf", ".ttc", ".woff", ".woff2")
_STYLESHEET = Path(__file__).with_name("certificate.css")
# Rendering is serialised: it is short, and fontconfig is not safe across threads.
_RENDER_LOCK = threading.Lock()


def packaged_font() -> Path | None:
    """Return the CJK font shipped in `registry/fonts/`, if the package has one."""
    if not _FONT_DIR.is_dir():
        return None
    files = sorted(p for p in _FONT_DIR.iterdir() if p.suffix.lower() in _FONT_SUFFIXES)
    cjk = [p for p in files if "cjk" in p.name.lower() or "sc" in p.name.lower()]
    chosen = cjk or files
    return chosen[0] if chosen else None


class ResourceFetcher(URLFetcher):
    """Serve `data:` URIs and the packaged font; refuse every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        font = packaged_font()
        if font is not None and url == INTERNAL_BASE + "fonts/" + font.name:
            return URLFetcherResponse(url, font.read_bytes(), {"Content-Type": "font/otf"})
        raise ValueError(f"resource refused: {url[:80]}")


def qr_data_uri(url: str) -> str:
    """Return a one-pixel-a-module PNG QR code of `url` (error correction Q) as a data URI.

    The page scales it up without smoothing (`image-rendering: pixelated`): crisp modules,
    and far cheaper for WeasyPrint to draw than an SVG of hundreds of path segments.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    # The same black-and-white image qrcode's make_image draws module by module, in one call.
    matrix = code.get_matrix()
    grey = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (len(matrix), len(matrix)), grey).convert("1")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def font_url() -> str | None:
    """Return the URL the stylesheet loads the packaged font from (None: use the system's)."""
    font = packaged_font()
    return INTERNAL_BASE + "fonts/" + font.name if font else None


def _labels() -> dict[str, str]:
    """Return the printed labels in the current language (own msgids: context "certificate")."""

    return {
        "title": pgettext(
            "certificate", "Inspection certificate: underground storage tank or buried pipeline"
        ),
        "number": pgettext("certificate", "Certificate No."),
        "facility": pgettext("certificate", "Facility"),
        "operator": pgettext("certificate", "Operator"),
        "asset": pgettext("certificate", "Asset and tag"),
        "tag": pgettext("certificate", "Tag"),
        "size": pgettext("certificate", "Capacity or length"),
        "construction": pgettext("certificate", "Construction"),
        "substance": pgettext("certificate", "Substance"),
        "inspected_on": pgettext("certificate", "Inspection date"),
        "inspector": pgettext("certificate", "Inspector"),
        "result": pgettext("certificate", "Result"),
        "validity": pgettext("certificate", "Validity"),
        "issued_on": pgettext("certificate", "Date of issue"),
        "statement": pgettext(
            "certificate",
            "The asset above passed its on-site inspection. Keep this certificate on site;"
            " scan the QR code to check that it is genuine and still valid.",
        ),
        "scan": pgettext("certificate", "Scan to verify"),
        "issued_by": pgettext("certificate", "Issued by"),
        "signature": pgettext("certificate", "Signature"),
        "seal": pgettext("certificate", "Seal"),
    }


def _valid_text(page: dict[str, Any]) -> dict[str, str]:
    out = {}
    for lang in ("zh", "en"):
        with force_locale(lang):
            out[lang] = pgettext(
                "certificate",
                "Valid from %(start)s until %(end)s",
                start=page["valid_from"],
                end=page["valid_until"],
            )
    return out


def _bilingual_labels() -> dict[str, dict[str, str]]:
    both: dict[str, dict[str, str]] = {}
    for lang in ("zh", "en"):
        with force_locale(lang):
            for key, text in _labels().items():
                both.setdefault(key, {})[lang] = text
    return both


# Every certificate has the same style and font: parsing the CSS and loading the font for each
# one took a third of its render time, and WeasyPrint lets renders share both.
@functools.cache
def stylesheet(path: Path = _STYLESHEET) -> tuple[CSS, FontConfiguration]:
    """Return a parsed stylesheet with the packaged CJK font, and the font configuration it
    loaded (the certificate's by default; the violation notice passes its own)."""
    fonts = FontConfiguration()
    url = font_url()
    face = f'@font-face {{ font-family: "CertCJK"; src: url("{url}"); }}\n' if url else ""
    css = CSS(
        string=face + path.read_text(encoding="utf-8"),
        base_url=INTERNAL_BASE,
        url_fetcher=ResourceFetcher(),
        font_config=fonts,
    )
    return css, fonts


def render_pdf(pages: list[dict[str, Any]]) -> bytes:
    """Render one certificate page per dict into a single PDF."""
    html = render_template(
        "certificates/pdf.html",
        pages=pages,
        labels=_bilingual_labels(),
        valid_text=_valid_text,
        qr={p["verify_url"]: qr_data_uri(p["verify_url"]) for p in pages},
    )
    with _RENDER_LOCK:
        css, fonts = stylesheet()
        document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=ResourceFetcher())
        return document.write_pdf(  # type: ignore[no-any-return]
            stylesheets=[css], font_config=fonts, pdf_identifier=b"ust-registry"
        )
