"""Bulk import of tanks and pipelines from a CSV or XLSX (all rows or none)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from inspection_api.common import commit
from inspection_api.common import file_body
from inspection_api.common import make_blueprint
from registry.auth import policy
from registry.exports.imports import import_assets
from registry.exports.schemas import ImportFailedSchema
from registry.exports.schemas import ImportResultSchema
from registry.extensions import db

PREFIX = "/imports"
blp = make_blueprint("api_imports", __name__, "Bulk import")
_BODY = file_body()


@blp.route("")
class Imports(MethodView):
    @blp.doc(requestBody=_BODY)
    @blp.response(201, ImportResultSchema)
    @blp.alt_response(422, schema=ImportFailedSchema, description="Nothing imported: the errors")
    def post(self) -> Any:
        """Import tanks and pipelines (multipart `file`, CSV or XLSX); all rows or none."""
        policy.require(current_user, "import")
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        report = import_assets(current_user, data, upload.filename if upload else None)
        if report.errors:
            db.session.rollback()
            body = {
                "code": 422,
                "status": "Unprocessable Entity",
                "message": _("Nothing was imported."),
                "errors": report.errors,
            }
            return jsonify(ImportFailedSchema().dump(body)), 422
        commit()
        total = report.created + report.updated
        return {"imported": total, "created": report.created, "updated": report.updated}
