"""Operator training as reminders: every class the pack requires, trained and current.

A facility in use (active, with a tank or pipeline not permanently closed) needs, for each class
of the pack's `[training]`, a designated operator trained within the refresher period. Per
class the due date is:
- the latest training plus `refresher_years` when someone of the class is trained (no
  refresher: never due again);
- else the earliest designation plus `train_within_days` (a class trained before duties:
  the designation itself) when someone is designated but untrained;
- else the facility's registration plus `train_within_days` when nobody is designated.
The operators are the register as it stands (a removed designation leaves no row to date):
`as_of` sets the states, not who counts. Two statements whatever the number of facilities: the
facilities, and the operators grouped by facility and class.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select

from registry.assets.models import Asset
from registry.compliance.due import DueItem
from registry.compliance.due import reminder
from registry.compliance.due import state_of
from registry.compliance.intervals import add_months
from registry.compliance.obligations import TrainingRules
from registry.compliance.rules import active_pack
from registry.extensions import db
from registry.people.models import DesignatedOperator
from registry.sites.models import Facility

CODE = "operator_training"
SOURCE = "training"
TITLES = {
    "missing": ("未指定%s类操作人员", "No Class %s operator designated"),
    "untrained": ("%s类操作人员未经培训", "Class %s operator not trained"),
    "refresher": ("%s类操作人员复训", "Class %s operator refresher training"),
}


def class_due(
    rules: TrainingRules,
    operator_class: str,
    *,
    registered_on: date,
    latest_training: date | None,
    first_designation: date | None,
) -> tuple[date | None, str]:
    """The day a facility's class falls due, and why (None: trained for good)."""
    if latest_training is not None:
        if rules.refresher_years is None:
            return None, "refresher"
        return add_months(latest_training, 12 * rules.refresher_years), "refresher"
    grace = timedelta(days=rules.train_within_days)
    if first_designation is not None:
        before = operator_class in rules.before_duties
        return first_designation + (timedelta(0) if before else grace), "untrained"
    return registered_on + grace, "missing"


def _facilities(organization_id: int | None, facility_id: int | None) -> Any:
    in_use = exists(
        select(Asset.id).where(
            Asset.facility_id == Facility.id, Asset.status != "permanently_closed"
        )
    )
    stmt = select(
        Facility.id,
        Facility.name,
        Facility.subdistrict,
        Facility.organization_id,
        Facility.registered_on,
    ).where(Facility.status == "active", in_use)
    if organization_id is not None:
        stmt = stmt.where(Facility.organization_id == organization_id)
    if facility_id is not None:
        stmt = stmt.where(Facility.id == facility_id)
    return stmt


def _operators(facilities: Any) -> dict[tuple[int, str], tuple[Any, Any]]:
    """(facility, class) → (latest training, earliest designation)."""
    ids = facilities.with_only_columns(Facility.id).subquery()
    stmt = (
        select(
            DesignatedOperator.facility_id,
            DesignatedOperator.operator_class,
            func.max(DesignatedOperator.trained_on),
            func.min(DesignatedOperator.designated_on),
        )
        .where(DesignatedOperator.facility_id.in_(select(ids.c.id)))
        .group_by(DesignatedOperator.facility_id, DesignatedOperator.operator_class)
    )
    return {(fid, cls): (last, first) for fid, cls, last, first in db.session.execute(stmt)}


def training_items(
    as_of: date,
    organization_id: int | None = None,
    window_days: int = 14,
    facility_id: int | None = None,
) -> Iterator[DueItem]:
    """Yield one item per facility and required class with its due date and state (ok too)."""
    rules = active_pack().training
    if rules is None:
        return
    facilities = _facilities(organization_id, facility_id)
    staff = _operators(facilities)
    for fid, name, sub, org, registered in db.session.execute(facilities):
        for cls in rules.classes:
            last, first = staff.get((fid, cls), (None, None))
            due_on, why = class_due(
                rules, cls, registered_on=registered, latest_training=last, first_designation=first
            )
            if due_on is None:
                continue
            zh, en = TITLES[why]
            titles = (f"操作人员培训：{zh % cls}", f"Operator training: {en % cls}")
            extra = {
                "url": f"/facilities/{fid}/operators",
                "operator_class": cls,
                "uid_key": f"training-{fid}.{cls}",
            }
            due = (due_on, *state_of(due_on, as_of, window_days))
            place = (fid, name, sub, org)
            yield reminder(CODE, titles, place, due, SOURCE, extra, last_done_on=last)


def training_reminders(
    as_of: date, organization_id: int | None = None, window_days: int = 14
) -> Iterable[DueItem]:
    """The reminder source: the classes due soon or overdue (the `ok` ones are left out)."""
    return (
        item for item in training_items(as_of, organization_id, window_days) if item.state != "ok"
    )
