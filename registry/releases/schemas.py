"""Validation and output of releases, their steps and evidence (API bodies and forms alike)."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from registry.audit.labels import FIELD_LABELS
from registry.audit.labels import register_value_group
from registry.core import choices
from registry.core.dates import local_zone
from registry.core.schemas import BaseSchema
from registry.core.schemas import PlausibleAwareDateTime
from registry.core.schemas import PlausibleDate
from registry.core.schemas import choice
from registry.core.schemas import id_field
from registry.core.schemas import not_in_future
from registry.releases import clocks
from registry.releases.models import KINDS
from registry.releases.models import MEDIA
from registry.releases.models import SOURCES
from registry.releases.models import STATES

choices.ALL["release_state"] = {
    "suspected": _l("Suspected"),
    "not_confirmed": _l("Not confirmed"),
    "confirmed": _l("Confirmed"),
    "closed": _l("Closed"),
}
choices.ALL["release_source"] = {
    "report": _l("Report"),
    "detection_record": _l("Failed release-detection record"),
    "inspection": _l("Inspection"),
    "monitoring_alert": _l("Monitoring alert"),
    "site_assessment": _l("Closure site assessment"),
}
choices.ALL["release_kind"] = {
    "leak": _l("Leak"),
    "spill": _l("Spill"),
    "overfill": _l("Overfill"),
}
choices.ALL["release_medium"] = {
    "soil": _l("Soil"),
    "groundwater": _l("Groundwater"),
    "surface_water": _l("Surface water"),
    "vapour_in_buildings": _l("Vapour in buildings"),
}


class _StepTitles(Mapping[str, str]):
    """The titles of the pack's release steps by code, in the reader's language."""

    def __getitem__(self, code: str) -> str:
        rule = clocks.step_rule(code)
        if rule is None:
            raise KeyError(code)
        return rule.title(_locale())

    def __iter__(self) -> Iterator[str]:
        return iter(s.code for s in clocks.release_rules().steps)

    def __len__(self) -> int:
        return len(clocks.release_rules().steps)


choices.ALL["release_step"] = _StepTitles()  # type: ignore[assignment]
for _group, _field in (
    ("release_state", "state"),
    ("release_source", "source"),
    ("release_kind", "kind"),
    ("release_medium", "media"),
    ("release_step", "code"),
):
    register_value_group("release", _field, _group)
for _field, _text in (
    ("number", _l("Number")),
    ("facility_id", _l("Facility")),
    ("asset_id", _l("Asset")),
    ("release_id", _l("Release")),
    ("discovered_at", _l("Discovered")),
    ("description", _l("Description")),
    ("source", _l("How it was found")),
    ("cause", _l("Cause")),
    ("failed_equipment", _l("Failed equipment")),
    ("media", _l("Media affected")),
    ("free_product", _l("Free product found")),
    ("affected_asset_ids", _l("Affected tanks and pipelines")),
    ("confirmed_at", _l("Confirmed")),
    ("not_confirmed_reason", _l("Not confirmed because")),
    ("decided_at", _l("Decided")),
    ("closed_on", _l("Closed on")),
    ("close_reason", _l("Reason for closing")),
    ("opened_by_id", _l("Opened by")),
    ("code", _l("Step")),
    ("position", _l("Order")),
    ("due_at", _l("Due")),
    ("done_at", _l("Done")),
    ("done_by_id", _l("Done by")),
    ("notes", _l("Notes")),
):
    FIELD_LABELS.setdefault(_field, _text)
MESSAGES = (
    _l("No such release."),
    _l("This release has no such step."),
    _l("This release cannot go from its state to that one."),
    _l("This release is no longer open."),
    _l("This step's deadline is set by the rules, not by request."),
    _l("This tank or pipeline is not at this facility."),
    _l("Must not be before the discovery."),
    _l("Must not be before the confirmation."),
    _l("Must not be in the future."),
)


def _locale() -> str:
    return str(get_locale() or "zh")


class LocalMoment(PlausibleAwareDateTime):
    """A timestamp: with its offset (`+08:00`, `Z`), or without one in the district's time."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        # The zone of the running app (a setting), known only once a request is served.
        self.default_timezone = local_zone()
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        return moment


def moment(**kwargs: Any) -> LocalMoment:
    """A timestamp field; one typed without an offset is the district's local time."""
    description = "ISO 8601; without an offset, the district's local time"
    return LocalMoment(metadata={"description": description}, **kwargs)


class DetailsSchema(BaseSchema):
    """What is known of a release: kind, substance, cause, equipment, media, free product."""

    kind = fields.String(validate=validate.OneOf(KINDS), load_default=None, allow_none=True)
    substance = choice("substance", allow_none=True)
    cause = fields.String(allow_none=True, validate=validate.Length(max=2000))
    failed_equipment = fields.String(allow_none=True, validate=validate.Length(max=200))
    media = fields.List(fields.String(validate=validate.OneOf(MEDIA)), allow_none=True)
    free_product = fields.Boolean(allow_none=True)


class ReleaseInSchema(DetailsSchema):
    """A release reported by hand: where, when it was found, what was seen."""

    facility_id = id_field(required=True)
    asset_id = id_field(allow_none=True)
    discovered_at = moment(required=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    source = fields.String(validate=validate.OneOf(SOURCES), load_default="report")
    affected_asset_ids = fields.List(id_field(), allow_none=True)


class ReleaseFormSchema(ReleaseInSchema):
    """The page's form: the facility comes from the address."""

    class Meta:
        exclude = ("facility_id",)


class ReleaseQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    state = fields.String(validate=validate.OneOf(STATES), load_default=None)
    facility_id = id_field(load_default=None)


class StepDoneSchema(BaseSchema):
    done_at = moment(required=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))


class StepRequestSchema(BaseSchema):
    due_at = moment(required=True)


class ConfirmSchema(DetailsSchema):
    confirmed_at = moment(required=True)
    version = fields.Integer(allow_none=True)


class NotConfirmedSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    version = fields.Integer(allow_none=True)


class CloseSchema(BaseSchema):
    closed_on = PlausibleDate(required=True, validate=not_in_future)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    version = fields.Integer(allow_none=True)


class StepOutSchema(Schema):
    code = fields.String()
    title = fields.Method("_title")
    citation = fields.Method("_citation")
    assumed = fields.Method("_assumed", metadata={"type": "boolean"})
    due_at = fields.DateTime(allow_none=True)
    due_on = fields.Method("_due_on", allow_none=True, metadata={"type": "string"})
    done_at = fields.DateTime(allow_none=True)
    notes = fields.String(allow_none=True)

    def _rule(self, step: Any) -> Any:
        return clocks.step_rule(step.code)

    def _title(self, step: Any) -> str:
        rule = self._rule(step)
        return rule.title(_locale()) if rule else str(step.code)

    def _citation(self, step: Any) -> str:
        rule = self._rule(step)
        return rule.citation if rule else ""

    def _assumed(self, step: Any) -> bool:
        rule = self._rule(step)
        return bool(rule and rule.assumed)

    def _due_on(self, step: Any) -> str | None:
        return clocks.local_day(step.due_at).isoformat() if step.due_at else None


class EvidenceOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    record_id = fields.Integer(allow_none=True)
    reading_id = fields.Integer(allow_none=True)
    inspection_id = fields.Integer(allow_none=True)
    alert_kind = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    file_name = fields.String(allow_none=True)
    added_at = fields.DateTime()


class ReleaseSchema(Schema):
    """A release as the API answers it, with its steps and evidence."""

    id = fields.Integer()
    number = fields.String()
    facility_id = fields.Integer()
    asset_id = fields.Integer(allow_none=True)
    kind = fields.String()
    source = fields.String()
    state = fields.String(metadata={"enum": list(STATES)})
    discovered_at = fields.DateTime()
    description = fields.String()
    substance = fields.String(allow_none=True)
    cause = fields.String(allow_none=True)
    failed_equipment = fields.String(allow_none=True)
    media = fields.List(fields.String())
    free_product = fields.Boolean(allow_none=True)
    affected_asset_ids = fields.List(fields.Integer())
    confirmed_at = fields.DateTime(allow_none=True)
    not_confirmed_reason = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    close_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    version = fields.Integer()
    steps = fields.List(fields.Nested(StepOutSchema))
    evidence = fields.List(fields.Nested(EvidenceOutSchema))


class PublicReleaseSchema(Schema):
    """A confirmed release as anyone may see it: no people, no notes."""

    number = fields.String()
    facility_name = fields.Function(lambda r: r.facility.name)
    state = fields.String()
    discovered_on = fields.Function(lambda r: clocks.local_day(r.discovered_at).isoformat())
    confirmed_on = fields.Function(
        lambda r: clocks.local_day(r.confirmed_at).isoformat() if r.confirmed_at else None
    )
    closed_on = fields.Date(allow_none=True)
