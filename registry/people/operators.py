"""Designate, change and remove a facility's Class A, B and C operators; keep their certificates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from registry.auth import policy
from registry.compliance.uploads import store_attachment
from registry.core.dates import today
from registry.core.errors import N_
from registry.extensions import db
from registry.people.models import DesignatedOperator
from registry.sites.models import Facility
from registry.sites.services import apply_changes
from registry.sites.services import check_version
from registry.sites.services import flush_versioned

CERTIFICATES = "training"


def operators_of(facility_id: int) -> list[DesignatedOperator]:
    """Return a facility's designated operators by class and name."""
    stmt = (
        select(DesignatedOperator)
        .where(DesignatedOperator.facility_id == facility_id)
        .order_by(DesignatedOperator.operator_class, DesignatedOperator.name, DesignatedOperator.id)
    )
    return list(db.session.scalars(stmt))


def get_operator(user: Any, operator_id: int) -> DesignatedOperator:
    """Return a designated operator the user may see, or raise NotFound."""
    stmt = (
        select(DesignatedOperator)
        .join(Facility, Facility.id == DesignatedOperator.facility_id)
        .where(DesignatedOperator.id == operator_id)
    )
    return policy.visible_one(
        stmt, user, Facility.organization_id, N_("No such designated operator.")
    )


def _keep_certificate(person: DesignatedOperator, upload: FileStorage | None) -> None:
    if upload is not None and upload.filename:
        path, ctype, name = store_attachment(upload, CERTIFICATES)
        person.certificate_path, person.certificate_type, person.certificate_name = (
            path,
            ctype,
            name,
        )


def designate(
    facility: Facility, data: dict[str, Any], *, certificate: FileStorage | None = None
) -> DesignatedOperator:
    """Name a person as a Class A, B or C operator of a facility."""
    person = DesignatedOperator(
        facility_id=facility.id,
        name=data["name"],
        operator_class=data["operator_class"],
        designated_on=data.get("designated_on") or today(),
        trained_on=data.get("trained_on"),
        certificate_number=data.get("certificate_number"),
        notes=data.get("notes"),
    )
    _keep_certificate(person, certificate)
    db.session.add(person)
    db.session.flush()
    return person


def change_operator(
    person: DesignatedOperator,
    data: dict[str, Any],
    *,
    version: int | None,
    certificate: FileStorage | None = None,
) -> DesignatedOperator:
    """Change a designated operator's details or training (stale version: 409)."""
    check_version(person, version)
    apply_changes(person, data)
    _keep_certificate(person, certificate)
    flush_versioned(person)
    return person


def remove_operator(person: DesignatedOperator) -> None:
    """Remove a designation (the audit log keeps who it was)."""
    db.session.delete(person)
    db.session.flush()
