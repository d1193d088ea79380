"""Activity records of an asset, the reminders (due-soon, overdue, no_record) and the rule pack."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.assets.services import get_asset
from registry.auth import policy
from registry.compliance import services
from registry.compliance.due import DueItem
from registry.compliance.models import ActivityRecord
from registry.compliance.rules import RulePack
from registry.compliance.rules import active_pack
from registry.compliance.schemas import RecordInSchema
from registry.compliance.schemas import RecordOutSchema
from registry.compliance.schemas import ReminderOutSchema
from registry.compliance.schemas import ReminderQuerySchema
from registry.compliance.schemas import RulePackOutSchema

PREFIX = ""
blp = make_blueprint("api_compliance", __name__, "Activity records and reminders")


@blp.route("/assets/<int:asset_id>/records")
class AssetRecords(MethodView):
    @blp.response(200, RecordOutSchema(many=True))
    @blp.paginate()
    def get(self, asset_id: int, pagination_parameters: Any) -> list[ActivityRecord]:
        """List the activity records of a tank or pipeline, newest first."""
        get_asset(current_user, asset_id)
        return page_of(services.records_query(asset_id=asset_id), pagination_parameters)

    @role_required("record_activity")
    @blp.arguments(RecordInSchema)
    @blp.response(201, RecordOutSchema)
    def post(self, data: dict[str, Any], asset_id: int) -> ActivityRecord:
        """Record a check, test or patrol done to a tank or pipeline."""
        asset = get_asset(current_user, asset_id)
        policy.require(current_user, "record_activity", asset.facility.organization_id)
        record = services.record_activity(
            data, facility=asset.facility, asset=asset, recorded_by=current_user
        )
        commit()
        return record


@blp.route("/reminders")
class Reminders(MethodView):
    @blp.arguments(ReminderQuerySchema, location="query")
    @blp.response(200, ReminderOutSchema(many=True))
    @blp.paginate(page_size=100, max_page_size=100)
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[DueItem]:
        """List the due-soon, overdue and `no_record` obligations the caller may see, by due date.

        `no_record`: newly registered (less than ONBOARDING_DAYS ago), due before its
        registration and nothing recorded; its `due_on` is the day it turns overdue.
        """
        items = services.due_items(
            current_user, as_of=args.get("as_of"), organization_id=args.get("organization_id")
        )
        return page_of(items, pagination_parameters)


@blp.route("/rule-pack")
class RulePackDocument(MethodView):
    @blp.response(200, RulePackOutSchema)
    def get(self) -> RulePack:
        """Show the rule pack in force: its activities and obligations, titles in your language."""
        return active_pack()
