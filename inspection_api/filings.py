"""Filings of a facility's basic information, their review, and data-quality problems."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from marshmallow import EXCLUDE

from inspection_api.common import commit
from inspection_api.common import make_blueprint
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.assets.services import get_asset
from registry.auth import policy
from registry.filings import quality
from registry.filings import services
from registry.filings.models import Filing
from registry.filings.schemas import AcceptSchema
from registry.filings.schemas import FilingDetailSchema
from registry.filings.schemas import FilingFilterSchema
from registry.filings.schemas import FilingInSchema
from registry.filings.schemas import FilingSchema
from registry.filings.schemas import ProblemSchema
from registry.filings.schemas import ReturnSchema
from registry.sites.services import get_facility

PREFIX = ""
blp = make_blueprint("api_filings", __name__, "Filings and data quality")


class FilingQuery(FilingFilterSchema):
    class Meta:
        unknown = EXCLUDE


def _list(filters: dict[str, Any], pagination_parameters: Any) -> list[Filing]:
    return page_of(services.filings_query(current_user, filters), pagination_parameters)


@blp.route("/filings")
class Filings(MethodView):
    @blp.arguments(FilingQuery, location="query")
    @blp.response(200, FilingSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[Filing]:
        """List the filings the caller may see; `status=submitted` is the review queue."""
        return _list(args, pagination_parameters)


@blp.route("/facilities/<int:facility_id>/filings")
class FacilityFilings(MethodView):
    @blp.arguments(FilingQuery, location="query")
    @blp.response(200, FilingSchema(many=True))
    @blp.paginate()
    def get(
        self, args: dict[str, Any], facility_id: int, pagination_parameters: Any
    ) -> list[Filing]:
        """List a facility's filings, newest first."""
        get_facility(current_user, facility_id)
        return _list({**args, "facility_id": facility_id}, pagination_parameters)

    @role_required("submit_filing")
    @blp.arguments(FilingInSchema, required=False)
    @blp.response(201, FilingDetailSchema)
    def post(self, data: dict[str, Any], facility_id: int) -> Filing:
        """File the facility's data as it is now; 409 while an earlier filing waits."""
        facility = get_facility(current_user, facility_id)
        policy.require(current_user, "submit_filing", facility.organization_id)
        filing = services.submit_filing(facility, submitted_by=current_user, note=data.get("note"))
        commit()
        return filing


@blp.route("/filings/<int:filing_id>")
class FilingItem(MethodView):
    @blp.response(200, FilingDetailSchema)
    def get(self, filing_id: int) -> Filing:
        """Show a filing with its snapshot and the problems found when it was filed."""
        return services.get_filing(current_user, filing_id)


def _filing(filing_id: int) -> Filing:
    return services.get_filing(current_user, filing_id)


@blp.route("/filings/<int:filing_id>/accept")
class FilingAccept(MethodView):
    @role_required("review_filing", found=_filing)
    @blp.arguments(AcceptSchema, required=False)
    @blp.response(200, FilingDetailSchema)
    def post(self, data: dict[str, Any], filing_id: int) -> Filing:
        """Accept a waiting filing (regulators); 409 when already reviewed."""
        filing = services.get_filing(current_user, filing_id)
        policy.require(current_user, "review_filing", filing.organization_id)
        services.accept_filing(filing, reviewed_by=current_user, comment=data.get("comment"))
        commit()
        return filing


@blp.route("/filings/<int:filing_id>/return")
class FilingReturn(MethodView):
    @role_required("review_filing", found=_filing)
    @blp.arguments(ReturnSchema)
    @blp.response(200, FilingDetailSchema)
    def post(self, data: dict[str, Any], filing_id: int) -> Filing:
        """Return a waiting filing to the operator; `comment` says what to correct."""
        filing = services.get_filing(current_user, filing_id)
        policy.require(current_user, "review_filing", filing.organization_id)
        services.return_filing(filing, reviewed_by=current_user, comment=data["comment"])
        commit()
        return filing


@blp.route("/assets/<int:asset_id>/quality")
class AssetQuality(MethodView):
    @blp.response(200, ProblemSchema(many=True))
    def get(self, asset_id: int) -> list[quality.Problem]:
        """List the data-quality problems of an asset and its facility, each {code, message}."""
        asset = get_asset(current_user, asset_id)
        return quality.asset_problems(asset)
