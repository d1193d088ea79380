"""Pages for organizations and facilities."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from registry.assets.models import Asset
from registry.audit.services import history
from registry.auth import policy
from registry.compliance.states import in_state
from registry.compliance.states import list_states
from registry.compliance.states import state_arg
from registry.core.confirm import confirmation_page
from registry.core.converters import id_arg
from registry.core.forms import edit_versioned
from registry.core.forms import form_status
from registry.core.forms import submit
from registry.core.pagination import LIST_COUNT_CAP
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.postgres import custom_plans
from registry.core.schemas import patch
from registry.core.sorting import SortSpec
from registry.extensions import db
from registry.sites import services
from registry.sites.models import Facility
from registry.sites.models import Organization
from registry.sites.schemas import FacilityPatchSchema
from registry.sites.schemas import FacilitySchema
from registry.sites.schemas import OrganizationPatchSchema
from registry.sites.schemas import OrganizationSchema

bp = Blueprint("sites", __name__)


def _create_facility(data: dict[str, Any]) -> Facility:
    policy.require(current_user, "create_facility", data["organization_id"])
    return services.create_facility(data, by=current_user)


@bp.get("/organizations")
@login_required
def organization_list() -> Any:
    """List organizations, searched by name, credit code or address."""
    q = request.args.get("q", "")
    page, size = page_args(request.args)
    with custom_plans(db.session, when=bool(q.strip())):
        result = paginate(services.organizations_query(current_user, q), page=page, page_size=size)
    return render_template("sites/organizations.html", page=result, q=q)


@bp.route("/organizations/new", methods=["GET", "POST"])
@login_required
def organization_new() -> Any:
    """Register an organization (regulators)."""
    policy.require(current_user, "manage_organizations")
    values: dict[str, Any] = request.form.to_dict() if request.method == "POST" else {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        done = submit(OrganizationSchema(), request.form, services.create_organization)
        if done.ok:
            flash(_("Organization registered."), "success")
            return redirect(url_for("sites.organization_detail", org_id=done.saved.id))
        errors = done.errors
    return render_template(
        "sites/organization_form.html", org=None, values=values, errors=errors
    ), form_status(errors)


@bp.get("/organizations/<int:org_id>")
@login_required
def organization_detail(org_id: int) -> Any:
    """Show an organization, its facilities and its change history."""
    org = services.get_organization(current_user, org_id)
    facilities = list(
        db.session.scalars(
            select(Facility).where(Facility.organization_id == org.id).order_by(Facility.name)
        )
    )
    return render_template(
        "sites/organization_detail.html",
        org=org,
        facilities=facilities,
        events=history("organization", org.id),
    )


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def organization_edit(org_id: int) -> Any:
    """Change an organization's details (regulators)."""
    org = services.get_organization(current_user, org_id)
    policy.require(current_user, "manage_organizations")
    edit = edit_versioned(
        org,
        patch(OrganizationPatchSchema),
        lambda data, version: services.update_organization(org, data, version=version),
        lambda: OrganizationSchema().dump(org),
    )
    if edit is None:
        return redirect(url_for("sites.organization_detail", org_id=org.id))
    values, errors = edit
    return render_template(
        "sites/organization_form.html", org=org, values=values, errors=errors
    ), form_status(errors)


FACILITY_SORT = SortSpec(
    {
        "name": (Facility.name,),
        "kind": (Facility.kind,),
        "subdistrict": (Facility.subdistrict,),
        "operator": (
            select(Organization.name)
            .where(Organization.id == Facility.organization_id)
            .scalar_subquery(),
        ),
        "status": (Facility.status,),
        "registered_on": (Facility.registered_on,),
    },
    tiebreak=Facility.id,
    default="name",
)


@bp.get("/facilities")
@login_required
def facility_list() -> Any:
    """List facilities with search, filters, sortable columns, compliance state and pages."""
    filters: dict[str, Any] = {
        k: request.args.get(k) or None
        for k in ("q", "subdistrict", "kind", "status", "organization_id")
    }
    filters["organization_id"] = id_arg(request.args, "organization_id")
    filters["compliance"] = state_arg(request.args)
    sorting = FACILITY_SORT.read(request.args)
    page, size = page_args(request.args)
    org = filters.get("organization_id")
    stmt = FACILITY_SORT.apply(services.facilities_query(current_user, filters), sorting)
    # Filtering by state needs every state; else only the page's are computed, below.
    states = list_states(current_user, org, request.args) if filters["compliance"] else None
    if states is not None:
        stmt = stmt.where(in_state(Facility.id, states.facilities, filters["compliance"]))
    with custom_plans(db.session, when=bool(filters["q"])):
        result = paginate(stmt, page=page, page_size=size, count_cap=LIST_COUNT_CAP)
    if states is None:
        ids = [f.id for f in result.items]
        states = list_states(current_user, org, request.args, facility_ids=ids)
    counts = services.count_assets([f.id for f in result.items])
    return render_template(
        "sites/facilities.html",
        page=result,
        filters=filters,
        counts=counts,
        states=states,
        sorting=sorting,
        subdistricts=services.subdistricts(),
    )


def _organization_choices() -> list[Organization]:
    stmt = policy.scope(select(Organization), current_user, Organization.id).order_by(
        Organization.name
    )
    return list(db.session.scalars(stmt))


@bp.route("/facilities/new", methods=["GET", "POST"])
@login_required
def facility_new() -> Any:
    """Register a facility."""
    policy.require(current_user, "create_facility")
    values: dict[str, Any] = (
        request.form.to_dict()
        if request.method == "POST"
        else {
            "organization_id": request.args.get("organization_id") or current_user.organization_id,
            "status": "active",
            "coordinate_system": "wgs84",
        }
    )
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.copy()
        if current_user.role == "operator":
            form["organization_id"] = str(current_user.organization_id)
        done = submit(FacilitySchema(), form, _create_facility)
        if done.ok:
            flash(_("Facility registered."), "success")
            return redirect(url_for("sites.facility_detail", facility_id=done.saved.id))
        errors = done.errors
    return render_template(
        "sites/facility_form.html",
        facility=None,
        values=values,
        errors=errors,
        organizations=_organization_choices(),
    ), form_status(errors)


@bp.get("/facilities/<int:facility_id>")
@login_required
def facility_detail(facility_id: int) -> Any:
    """Show a facility, its tanks and pipelines and its change history."""
    facility = services.get_facility(current_user, facility_id)
    assets = list(
        db.session.scalars(
            select(Asset)
            .where(Asset.facility_id == facility.id)
            .order_by(Asset.kind.desc(), Asset.operator_ref, Asset.id)
        )
    )
    return render_template(
        "sites/facility_detail.html",
        facility=facility,
        assets=assets,
        events=history("facility", facility.id),
        # Offered only where it can succeed: a facility registered by mistake, still empty.
        deletable=not assets
        and policy.can(current_user, "edit", facility.organization_id)
        and not services.facility_has_history(facility),
    )


@bp.route("/facilities/<int:facility_id>/delete", methods=["GET", "POST"])
@login_required
def facility_delete(facility_id: int) -> Any:
    """Ask, then delete a facility registered by mistake (refused with 409 once it has history)."""
    facility = services.get_facility(current_user, facility_id)
    policy.require(current_user, "edit", facility.organization_id)
    if request.method == "GET":
        if services.facility_has_history(facility):
            services.delete_facility(facility)  # raises the 409 with its reason
        return confirmation_page(
            request.form,
            title=_("Delete facility %(name)s", name=facility.name),
            consequences=[
                _("The facility is removed from the register; the audit log keeps its record."),
                _("Only a facility registered by mistake, with no history, can be deleted."),
            ],
            action=url_for("sites.facility_delete", facility_id=facility.id),
            button=_("Delete"),
            cancel_url=url_for("sites.facility_detail", facility_id=facility.id),
            danger=True,
        )
    name = facility.name  # read before the commit expires the deleted row
    services.delete_facility(facility)
    db.session.commit()
    flash(_("Facility %(name)s deleted.", name=name), "success")
    return redirect(url_for("sites.facility_list"))


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@login_required
def facility_edit(facility_id: int) -> Any:
    """Change a facility's details."""
    facility = services.get_facility(current_user, facility_id)
    policy.require(current_user, "edit", facility.organization_id)
    form = request.form.copy()
    if current_user.role == "operator":
        form["organization_id"] = str(current_user.organization_id)
    edit = edit_versioned(
        facility,
        patch(FacilityPatchSchema),
        lambda data, version: services.update_facility(
            facility, data, version=version, by=current_user
        ),
        # Stored coordinates are WGS-84: the picker starts there.
        lambda: FacilitySchema().dump(facility) | {"coordinate_system": "wgs84"},
        form=form,
    )
    if edit is None:
        return redirect(url_for("sites.facility_detail", facility_id=facility.id))
    values, errors = edit
    return render_template(
        "sites/facility_form.html",
        facility=facility,
        values=values,
        errors=errors,
        organizations=_organization_choices(),
    ), form_status(errors)
