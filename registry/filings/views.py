"""Pages of filings: file a report, the review queue, accept or return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.core.confirm import asks_confirmation
from registry.core.confirm import confirmation_page
from registry.core.forms import load_form
from registry.core.forms import submit
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.panels import add_panel
from registry.core.sorting import SortSpec
from registry.core.templating import add_nav_item
from registry.extensions import db
from registry.filings import desk_views  # noqa: F401  (the quality list and the dashboard)
from registry.filings import quality
from registry.filings import services
from registry.filings import snapshot
from registry.filings.blueprint import bp
from registry.filings.models import Filing
from registry.filings.schemas import AcceptSchema
from registry.filings.schemas import FilingInSchema
from registry.filings.schemas import ReturnSchema
from registry.sites.models import Facility
from registry.sites.services import get_facility
from registry.sites.services import subdistricts

__all__ = ["bp"]

add_panel("facility_detail", "filings/_facility_quality.html", 20)
add_panel("facility_detail", "filings/_facility_filings.html", 30)
add_panel("asset_detail", "filings/_asset_quality.html", 20)
add_nav_item("filings.filing_list", _l("Filings"), lambda user: True)


FILING_SORT = SortSpec(
    {
        "facility": (Facility.name,),
        "submitted_at": (Filing.submitted_at,),
        "status": (Filing.status,),
        "problems": (Filing.problem_count,),
    },
    tiebreak=Filing.id,
)


@bp.get("/filings")
@login_required
def filing_list() -> Any:
    """List filings: the review queue (status=submitted) and the history, by facility."""
    filters = {k: request.args.get(k) or None for k in ("status", "subdistrict", "facility_id")}
    if filters["status"] not in (None, "submitted", "accepted", "returned"):
        filters["status"] = None
    sorting = FILING_SORT.read(request.args)
    page, size = page_args(request.args)
    stmt = FILING_SORT.apply(services.filings_query(current_user, filters), sorting)
    result = paginate(stmt, page=page, page_size=size)
    return render_template(
        "filings/list.html",
        page=result,
        filters=filters,
        sorting=sorting,
        subdistricts=subdistricts(),
    )


def _detail(filing: Filing, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    return render_template(
        "filings/detail.html",
        filing=filing,
        data=filing.snapshot.data,
        problems=filing.snapshot.problems,
        changes=services.changes_of(filing),
        errors=errors or {},
        values=values or {},
    ), (422 if errors else 200)


def _confirm(filing: Filing, title: str, lines: list[str], act: str) -> Any:
    return confirmation_page(
        request.form,
        title=title,
        consequences=lines,
        action=url_for(f"filings.filing_{act}", filing_id=filing.id),
        button=_("Accept") if act == "accept" else _("Return to the operator"),
        cancel_url=url_for("filings.filing_detail", filing_id=filing.id),
        danger=act == "return",
    )


def _review(
    filing_id: int,
    schema: Any,
    ask: Callable[[Filing, dict[str, Any]], Any],
    decide: Callable[[Filing, dict[str, Any]], Any],
    decided: str,
) -> Any:
    """A regulator's decision on a waiting filing: validated, asked first when the button
    asks (`ask` makes the page), then `decide`, committed, `decided` flashed."""
    filing = services.get_filing(current_user, filing_id)
    policy.require(current_user, "review_filing", filing.organization_id)
    data, errors = load_form(schema, request.form)
    if data is None:
        return _detail(filing, errors, request.form)
    if asks_confirmation(request.form):
        return ask(filing, data)
    decide(filing, data)
    db.session.commit()
    flash(decided, "success")
    return redirect(url_for("filings.filing_list", status="submitted"))


@bp.get("/filings/<int:filing_id>")
@login_required
def filing_detail(filing_id: int) -> Any:
    """Show a filing: its snapshot, the problems found, what changed, the decision."""
    return _detail(services.get_filing(current_user, filing_id))


@bp.post("/filings/<int:filing_id>/accept")
@login_required
def filing_accept(filing_id: int) -> Any:
    """Accept a waiting filing (regulators)."""
    return _review(
        filing_id,
        AcceptSchema(),
        lambda filing, data: _confirm(
            filing, _("Accept this filing?"), services.accept_consequences(filing), "accept"
        ),
        lambda filing, data: services.accept_filing(
            filing, reviewed_by=current_user, comment=data.get("comment")
        ),
        _("Filing accepted."),
    )


@bp.post("/filings/<int:filing_id>/return")
@login_required
def filing_return(filing_id: int) -> Any:
    """Return a waiting filing to the operator with a comment (regulators)."""
    return _review(
        filing_id,
        ReturnSchema(),
        lambda filing, data: _confirm(
            filing,
            _("Return this filing to the operator?"),
            services.return_consequences(filing, data["comment"]),
            "return",
        ),
        lambda filing, data: services.return_filing(
            filing, reviewed_by=current_user, comment=data["comment"]
        ),
        _("Filing returned to the operator."),
    )


@bp.route("/facilities/<int:facility_id>/filings/new", methods=["GET", "POST"])
@login_required
def filing_new(facility_id: int) -> Any:
    """Review the facility's data and its problems, then file it with the bureau."""
    facility = get_facility(current_user, facility_id)
    policy.require(current_user, "submit_filing", facility.organization_id)
    errors: dict[str, Any] = {}
    values: dict[str, Any] = request.form.to_dict()
    if request.method == "POST":
        done = submit(
            FilingInSchema(),
            request.form,
            lambda data: services.submit_filing(
                facility, submitted_by=current_user, note=data.get("note")
            ),
        )
        if done.ok:
            flash(_("Filed. The bureau will review it."), "success")
            return redirect(url_for("filings.filing_detail", filing_id=done.saved.id))
        errors = done.errors
    previous, changes = services.changes_since_accepted(facility)
    current = snapshot.take(facility)
    status = (409 if services.waiting_filing(facility.id) else 422) if errors else 200
    return render_template(
        "filings/new.html",
        facility=facility,
        data=current,
        problems=quality.facility_problems(facility.id),
        previous=previous,
        changes=changes,
        waiting=services.waiting_filing(facility.id),
        values=values,
        errors=errors,
    ), status
