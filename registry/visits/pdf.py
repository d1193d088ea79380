"""The inspection record and notice of violations (检查记录及责令改正通知) as a PDF.

The certificate machinery renders it: WeasyPrint with the packaged CJK font, the same
restrictive fetcher, and a QR code to the visit's public verification page. The template gets
plain dicts only, in the reader's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from flask import render_template
from flask_babel import get_locale
from weasyprint import HTML

from registry.assets.tags import display as tag_display
from registry.certificates.pdf import _RENDER_LOCK
from registry.certificates.pdf import INTERNAL_BASE
from registry.certificates.pdf import ResourceFetcher
from registry.certificates.pdf import qr_data_uri
from registry.certificates.pdf import stylesheet
from registry.compliance.rules import active_pack
from registry.core import choices
from registry.core.dates import show_date
from registry.visits.models import ComplianceInspection
from registry.visits.schemas import CATEGORY_LABELS
from registry.visits.schemas import KIND_LABELS
from registry.visits.schemas import RESULT_LABELS
from registry.visits.schemas import STATUS_LABELS

_STYLESHEET = Path(__file__).with_name("notice.css")


def verify_url(visit: ComplianceInspection) -> str:
    """The public page a notice's QR code points at."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/ci/{visit.number}"


def _asset_words(asset: Any) -> str:
    if asset is None:
        return ""
    ref = asset.operator_ref or ""
    return f"{choices.label('asset_kind', asset.kind)} {ref} {tag_display(asset.tag)}"


def notice_facts(visit: ComplianceInspection) -> dict[str, Any]:
    """What the notice prints, as plain values in the current language."""
    locale = str(get_locale() or "zh")
    library = active_pack().violations
    inspector = visit.inspector
    return {
        "number": visit.number,
        "bureau": current_app.config["BUREAU_NAME"],
        "facility": visit.facility.name,
        "address": visit.facility.address or "",
        "operator": visit.facility.organization.name,
        "performed_on": show_date(visit.performed_on),
        # ISO too, as the certificates print it: the same on every copy, in every language.
        "performed_iso": visit.performed_on.isoformat(),
        "kind": str(KIND_LABELS[visit.kind]),
        "result": str(RESULT_LABELS[visit.result]),
        "inspector": (inspector.name or inspector.email) if inspector else "",
        "verify_url": verify_url(visit),
        "violations": [
            {
                "code": v.code,
                "title": library[v.code].title(locale) if v.code in library else v.code,
                "category": str(CATEGORY_LABELS.get(v.category, v.category)),
                "asset": _asset_words(v.asset),
                "citation": v.citation,
                "due_on": show_date(v.due_on),
                "due_iso": v.due_on.isoformat(),
                "status": str(STATUS_LABELS[v.status]),
                "corrected_on_site": v.corrected_on_site,
                "note": v.note or "",
            }
            for v in visit.violations
        ],
    }


def render_notice(visit: ComplianceInspection) -> bytes:
    """Render a visit's record and notice of violations in the reader's language."""
    facts = notice_facts(visit)
    html = render_template("visits/notice_pdf.html", n=facts, qr=qr_data_uri(facts["verify_url"]))
    with _RENDER_LOCK:
        css, fonts = stylesheet(_STYLESHEET)
        document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=ResourceFetcher())
        return document.write_pdf(  # type: ignore[no-any-return]
            stylesheets=[css], font_config=fonts, pdf_identifier=b"ust-registry"
        )
