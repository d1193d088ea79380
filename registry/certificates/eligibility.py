"""Which inspection may give a certificate: the rules `issue_certificate` checks first."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.certificates.facts import InspectionFacts
from registry.certificates.facts import latest_inspection_id
from registry.certificates.facts import open_blocking_findings
from registry.certificates.models import Certificate
from registry.certificates.validity import add_months
from registry.certificates.validity import validity_months
from registry.core.errors import Conflict
from registry.extensions import db


def refusal_reasons(facts: InspectionFacts, asset: Asset, *, on: date) -> list[tuple[str, str]]:
    """Return why a certificate cannot be issued from this inspection, as (code, message)."""
    reasons = _inspection_reasons(facts, asset, on=on)
    open_count = open_blocking_findings(asset.id)
    if open_count:
        reasons.append(
            (
                "open_findings",
                _(
                    "%(num)d high or critical finding(s) still open: their corrective action"
                    " is not verified.",
                    num=open_count,
                ),
            )
        )
    if asset.red_tagged:
        reasons.append(("red_tagged", _("The asset is red-tagged: delivery is prohibited.")))
    if asset.status != "in_service":
        reasons.append(("not_in_service", _("The asset is not in service.")))
    return reasons


def _inspection_reasons(facts: InspectionFacts, asset: Asset, *, on: date) -> list[tuple[str, str]]:
    """Return what is wrong with the inspection itself: result, place in time, revocations."""
    reasons: list[tuple[str, str]] = []
    if not facts.passed:
        reasons.append(("inspection_failed", _("The inspection did not pass.")))
    if latest_inspection_id(asset.id) != facts.id:
        reasons.append(
            (
                "not_latest",
                _(
                    "A newer inspection of this asset exists: only the latest one gives a"
                    " certificate."
                ),
            )
        )
    if asset.installed_on is not None and facts.performed_on < asset.installed_on:
        reasons.append(
            ("before_installation", _("The inspection is dated before the asset was installed."))
        )
    months = validity_months()
    if add_months(facts.performed_on, months) < on:
        reasons.append(
            (
                "inspection_too_old",
                _(
                    "The inspection is older than a certificate's validity (%(months)d months).",
                    months=months,
                ),
            )
        )
    if _revoked_since(asset.id, facts):
        reasons.append(
            (
                "revoked_since",
                _(
                    "A certificate of this asset was revoked after this inspection: only a new"
                    " passing inspection can certify it again."
                ),
            )
        )
    return reasons


def _revoked_since(asset_id: int, facts: InspectionFacts) -> bool:
    """Say whether any certificate of the asset was revoked after the inspection was performed.

    This covers the inspection's own certificate: revoking it cannot be undone by issuing
    from the same inspection again.
    """
    count = db.session.scalar(
        select(func.count())
        .select_from(Certificate)
        .where(
            Certificate.asset_id == asset_id,
            Certificate.status == "revoked",
            Certificate.revoked_at >= facts.performed_at,
        )
    )
    return bool(count)


def refuse_second_certificate(inspection_id: int) -> None:
    """Raise Conflict when the inspection has given a certificate in force already."""
    number = db.session.scalar(
        select(Certificate.number).where(
            Certificate.inspection_id == inspection_id, Certificate.status == "valid"
        )
    )
    if number is not None:
        raise Conflict(already_issued_message(number), reason="already_issued", number=number)


def already_issued_message(number: str | None = None) -> str:
    """Return the message of a second certificate from one inspection."""
    if number:
        return _(
            "Certificate %(number)s has already been issued from this inspection.", number=number
        )
    return _("A certificate has already been issued from this inspection.")
