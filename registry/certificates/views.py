"""Certificate pages: public verification, list, detail, PDF, issue and revoke."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.auth.limits import allow_lookup_miss
from registry.certificates import queries
from registry.certificates import services
from registry.certificates.facts import load_inspection
from registry.certificates.models import Certificate
from registry.certificates.pdf import render_pdf
from registry.certificates.schemas import VERDICT_LABELS
from registry.certificates.schemas import CertificateFilterSchema
from registry.certificates.schemas import RevokeSchema
from registry.core.confirm import asks_confirmation
from registry.core.confirm import confirmation_page
from registry.core.errors import Invalid
from registry.core.forms import load_form
from registry.core.pagination import paginate
from registry.core.panels import add_panel
from registry.core.postgres import custom_plans
from registry.core.schemas import translate_errors
from registry.core.sorting import SortSpec
from registry.core.sorting import without_sort
from registry.core.storage import generated_file
from registry.core.templating import add_nav_item
from registry.extensions import db
from registry.sites.services import get_facility

bp = Blueprint("certificates", __name__)

add_panel("inspection_actions", "certificates/_issue_button.html", 20)
add_panel("asset_detail", "certificates/_asset_panel.html", 40)
add_panel("facility_actions", "certificates/_facility_button.html", 40)
add_nav_item("certificates.certificate_list", _l("Certificates"))


_VERDICT_WORDS = {
    "valid": _l("VALID"),
    "expired": _l("EXPIRED"),
    "revoked": _l("REVOKED"),
    "superseded": _l("SUPERSEDED"),
    "unverifiable": _l("CANNOT BE VERIFIED"),
    "missing": _l("NOT FOUND"),
}


def verdict_words(status: str, found: bool) -> dict[str, str]:
    """Return the verdict word in Chinese and in English (NOT FOUND when there is no row)."""
    word = _VERDICT_WORDS[status if found else "missing"]
    out = {}
    for lang in ("zh", "en"):
        with force_locale(lang):
            out[lang] = str(word)
    return out


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "verdict_labels": VERDICT_LABELS,
        "certificate_verdict": services.verdict,
        "verdict_words": verdict_words,
        "asset_certificates": queries.asset_certificates,
    }


@bp.get("/c/<string:number>")
def verify(number: str) -> Any:
    """Say whether a certificate is genuine and valid, for anyone who scans its QR code."""
    cert = queries.find_by_number(number)
    if cert is None and not allow_lookup_miss():
        return _too_many_misses()
    status = services.verdict(cert)
    if cert is not None:
        services.count_verification(cert)
        db.session.commit()
    page = render_template(
        "certificates/verify.html",
        cert=cert,
        status=status,
        number=number.strip(),
        red_tagged=bool(cert is not None and cert.asset.red_tagged),
    )
    response = Response(page, status=404 if cert is None else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


def _too_many_misses() -> Any:
    """Answer 429: this client looked up too many unknown tags or certificate numbers."""
    page = render_template(
        "errors/error.html",
        status=429,
        title=_("Too many requests"),
        message=_(
            "Too many unknown certificate numbers were looked up from your device. Please wait"
            " a minute and try again; certificates that exist still open."
        ),
    )
    return page, 429, {"Retry-After": "60", "Cache-Control": "no-store"}


CERTIFICATE_SORT = SortSpec(
    {
        "number": (Certificate.number,),
        "facility": (Certificate.facility_name,),
        "tag": (Certificate.asset_tag,),
        "issued_on": (Certificate.issued_on,),
        "valid_until": (Certificate.valid_until,),
        "status": (Certificate.status,),
    },
    tiebreak=Certificate.id,
)


@bp.get("/certificates")
@login_required
def certificate_list() -> Any:
    """List and search certificates by number, tag or facility, filtered by status, sorted."""
    data, errors = load_form(CertificateFilterSchema(), without_sort(request.args))
    filters = data or {}
    sorting = CERTIFICATE_SORT.read(request.args)
    stmt = CERTIFICATE_SORT.apply(queries.certificates_query(current_user, filters), sorting)
    with custom_plans(db.session, when=bool(filters.get("q"))):
        page = paginate(stmt, page=filters.get("page", 1), page_size=filters.get("page_size", 25))
    return render_template(
        "certificates/list.html", page=page, filters=filters, errors=errors, sorting=sorting
    ), (422 if errors else 200)


@bp.get("/certificates/<string:number>")
@login_required
def certificate_detail(number: str) -> Any:
    """Show a certificate, its verdict, and (to regulators) the revoke form."""
    cert = queries.get_certificate(current_user, number)
    return render_template(
        "certificates/detail.html", cert=cert, status=services.verdict(cert), errors={}, values={}
    )


@bp.get("/certificates/<string:number>.pdf")
@login_required
def certificate_pdf(number: str) -> Any:
    """Send the PDF rendered at issue: the same number always gives the same bytes."""
    cert = queries.get_certificate(current_user, number)
    return generated_file(services.stored_pdf(cert), "application/pdf", f"{cert.number}.pdf")


@bp.get("/facilities/<int:facility_id>/certificates.pdf")
@login_required
def facility_certificates_pdf(facility_id: int) -> Any:
    """Print a facility's current certificates together, one page each."""
    facility = get_facility(current_user, facility_id)
    certs = [c for c in queries.current_certificates(facility.id) if services.verdict(c) == "valid"]
    if not certs:
        flash(_("This facility has no valid certificate to print."), "error")
        return redirect(url_for("sites.facility_detail", facility_id=facility.id))
    pdf = render_pdf([c.printed for c in certs])
    return generated_file(pdf, "application/pdf", f"certificates-facility-{facility.id}.pdf")


@bp.post("/inspections/<int:inspection_id>/certificate")
@login_required
def issue(inspection_id: int) -> Any:
    """Issue a certificate from a passed inspection (the button on the inspection's result)."""
    inspection = load_inspection(current_user, inspection_id)
    policy.require(current_user, "issue_certificate", inspection.asset.facility.organization_id)
    try:
        if asks_confirmation(request.form):
            return confirmation_page(
                title=_("Issue certificate?"),
                consequences=services.issue_consequences(inspection),
                button=_("Issue certificate"),
                cancel_url=url_for("inspections.inspection_detail", inspection_id=inspection_id),
            )
        cert = services.issue_certificate(inspection, issued_by=current_user)
    except Invalid as exc:
        db.session.rollback()
        reasons = exc.errors.get("inspection_id") or [exc.message]
        return render_template(
            "certificates/refused.html", inspection_id=inspection_id, reasons=reasons
        ), 422
    db.session.commit()
    flash(_("Certificate %(number)s issued.", number=cert.number), "success")
    return redirect(url_for("certificates.certificate_detail", number=cert.number), 303)


@bp.post("/certificates/<string:number>/revoke")
@login_required
def revoke(number: str) -> Any:
    """Revoke a certificate with a reason (regulators)."""
    cert = queries.get_certificate(current_user, number)
    policy.require(current_user, "revoke_certificate", queries.organization_of(cert))
    data, errors = load_form(RevokeSchema(), request.form)
    if data is not None and asks_confirmation(request.form):
        return confirmation_page(
            title=_("Revoke certificate %(number)s?", number=cert.number),
            consequences=services.revoke_consequences(cert, data["reason"]),
            button=_("Revoke certificate"),
            cancel_url=url_for("certificates.certificate_detail", number=cert.number),
            danger=True,
        )
    if data is not None:
        try:
            services.revoke_certificate(cert, revoked_by=current_user, reason=data["reason"])
        except Invalid as exc:
            db.session.rollback()
            errors = translate_errors(exc.errors)
        else:
            db.session.commit()
            flash(_("Certificate %(number)s revoked.", number=cert.number), "success")
            return redirect(url_for("certificates.certificate_detail", number=cert.number), 303)
    return render_template(
        "certificates/detail.html",
        cert=cert,
        status=services.verdict(cert),
        errors=errors,
        values=request.form,
    ), 422
