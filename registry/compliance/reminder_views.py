"""Pages: the operator's reminders, the regulator's overview, and the calendar feed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import groupby
from typing import Any

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.compliance import calendar
from registry.compliance import services
from registry.compliance.blueprint import bp
from registry.compliance.rules import active_pack
from registry.core.converters import id_arg
from registry.core.dates import today
from registry.extensions import db
from registry.sites.models import Organization
from registry.sites.services import get_organization
from registry.sites.services import subdistricts


def _as_of() -> date:
    try:
        return date.fromisoformat(request.args.get("as_of") or "")
    except ValueError:
        return today()


def _filtered(items: list[Any]) -> list[Any]:
    for key in ("subdistrict", "obligation", "state"):
        wanted = request.args.get(key)
        if wanted:
            items = [i for i in items if getattr(i, key) == wanted]
    return items


@bp.get("/reminders")
@login_required
def reminders() -> Any:
    """Show overdue and due-soon items grouped by facility, most overdue first."""
    org_id = id_arg(request.args, "organization_id")
    items = _filtered(services.due_items(current_user, as_of=_as_of(), organization_id=org_id))
    by_facility: dict[int, list[Any]] = {}
    for item in items:
        by_facility.setdefault(item.facility_id, []).append(item)
    groups = sorted(by_facility.values(), key=lambda group: group[0].due_on)
    return render_template(
        "compliance/reminders.html",
        groups=groups,
        total=len(items),
        overdue=sum(1 for i in items if i.state == "overdue"),
        no_record=sum(1 for i in items if i.state == "no_record"),
        as_of=_as_of(),
        base_url="",
        record_link=calendar.record_link,
        pack=active_pack(),
    )


@bp.get("/reminders/overview")
@login_required
def overview() -> Any:
    """Count overdue and due-soon items by operator, subdistrict and obligation."""
    if policy.is_operator(current_user):
        abort(403)
    items = services.due_items(current_user, as_of=_as_of())

    names = {i: n for i, n in db.session.execute(db.select(Organization.id, Organization.name))}

    def count(key: Any) -> list[tuple[Any, int, int, int]]:
        over = Counter(key(i) for i in items if i.state == "overdue")
        soon = Counter(key(i) for i in items if i.state == "due_soon")
        # Newly registered, nothing recorded yet: counted apart, not as overdue.
        unknown = Counter(key(i) for i in items if i.state == "no_record")
        keys = sorted(
            set(over) | set(soon) | set(unknown),
            key=lambda k: (-over[k], -soon[k], -unknown[k], str(k)),
        )
        return [(k, over[k], soon[k], unknown[k]) for k in keys]

    return render_template(
        "compliance/overview.html",
        by_org=count(lambda i: i.organization_id),
        by_sub=count(lambda i: i.subdistrict or ""),
        by_obligation=count(lambda i: i.obligation),
        names=names,
        # Corrective actions are no obligation of the pack: their items carry their own title.
        titles={i.obligation: i.title(str(get_locale())) for i in items},
        pack=active_pack(),
        as_of=_as_of(),
        total=len(items),
        overdue=sum(1 for i in items if i.state == "overdue"),
        no_record=sum(1 for i in items if i.state == "no_record"),
        subdistricts=subdistricts(),
    )


@bp.route("/operators/<int:org_id>/calendar", methods=["GET", "POST"])
@login_required
def calendar_tokens(org_id: int) -> Any:
    """Show and create the links of an organization's calendar feed."""
    org = get_organization(current_user, org_id)
    policy.require(current_user, "edit", org.id)
    new_token = None
    if request.method == "POST":
        new_token = calendar.create_token(org.id, created_by=current_user)
        db.session.commit()
        flash(_("A new calendar link was created. Copy it now: it is shown only once."), "success")
    base = current_app.config["PUBLIC_BASE_URL"]
    feed_url = f"{base}/operators/{org.id}/calendar.ics?token={new_token}" if new_token else None
    return render_template(
        "compliance/calendar.html", org=org, tokens=calendar.tokens_of(org.id), feed_url=feed_url
    )


@bp.post("/operators/<int:org_id>/calendar/<int:token_id>/revoke")
@login_required
def calendar_revoke(org_id: int, token_id: int) -> Any:
    """Revoke a calendar link; its feed stops answering."""
    org = get_organization(current_user, org_id)
    policy.require(current_user, "edit", org.id)
    calendar.revoke_token(org.id, token_id)
    db.session.commit()
    flash(_("The calendar link was revoked."), "success")
    return redirect(url_for("compliance.calendar_tokens", org_id=org.id))


@bp.get("/operators/<int:org_id>/calendar.ics")
def calendar_feed(org_id: int) -> Any:
    """Serve an organization's due items as an iCalendar feed (needs its token)."""
    if not calendar.check_token(org_id, request.args.get("token")):
        abort(404)

    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    items = services.due_items(
        None,
        organization_id=org_id,
        include_ok=True,
        horizon_days=calendar.FEED_HORIZON_DAYS,
    )
    body = calendar.build_feed(
        items,
        name=org.name,
        locale=str(get_locale() or current_app.config["DEFAULT_LOCALE"]),
        base_url=current_app.config["PUBLIC_BASE_URL"],
        stamp_day=today(),
    )
    return Response(
        body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"}
    )


def group_by_facility(items: list[Any]) -> list[list[Any]]:
    """Group items (sorted by facility) for templates."""
    return [list(g) for _, g in groupby(items, key=lambda i: i.facility_id)]
