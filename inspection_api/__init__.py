"""The JSON API under /api/v1 (flask-smorest): one module per resource."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import INCLUDE
from marshmallow import Schema
from marshmallow import fields

from inspection_api.spec_rules import KindSplitPlugin
from registry.extensions import csrf


def _schema_name(schema: Any) -> str:
    """Name schemas in the OpenAPI document, telling partial and filtered variants apart."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type):
        if schema.partial:
            name += "Partial"
        if schema.only:
            name += "Only" + "".join(sorted(schema.only)).title().replace("_", "")
        if schema.exclude:
            name += "Without" + "".join(sorted(schema.exclude)).title().replace("_", "")
    return name


class ErrorSchema(Schema):
    """Every error answer: status, message, messages per field, and extras such as
    `current_version` on a 409."""

    class Meta:
        unknown = INCLUDE

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status name"})
    message = fields.String(metadata={"description": "what went wrong"})
    errors = fields.Dict(metadata={"description": "messages per location and field"})
    current_version = fields.Integer(metadata={"description": "on 409: the row's current version"})


Api.ERROR_SCHEMA = ErrorSchema
api = Api(
    spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name),
        "extra_plugins": [KindSplitPlugin()],
    }
)


def init_api(app: Flask) -> None:
    """Bind the API to the app and register every resource module."""
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
            "info": {"description": "Registry of underground storage tanks and buried pipelines."},
        },
    )
    api.init_app(app)
    from inspection_api.spec_rules import add_rules

    add_rules(api.ma_plugin.converter)
    # The header carries JSON text: documented as an object, it reads as `simple`-style
    # "key,value" pairs to any client (or fuzzer) that follows OpenAPI's header serialization.
    api.spec.components.headers_lazy["PAGINATION"] = {
        "description": (
            "Pagination metadata, a JSON object: total, total_pages, first_page, last_page, "
            "page, and previous_page and next_page where they exist"
        ),
        "schema": {"type": "string"},
    }
    from inspection_api import assets
    from inspection_api import auth
    from inspection_api import certificates
    from inspection_api import compliance
    from inspection_api import compliance_inspections
    from inspection_api import designated_operators
    from inspection_api import facilities
    from inspection_api import field
    from inspection_api import filings
    from inspection_api import financial_responsibility
    from inspection_api import imports
    from inspection_api import inspections
    from inspection_api import map_features
    from inspection_api import measures
    from inspection_api import monitoring
    from inspection_api import organizations
    from inspection_api import receptors
    from inspection_api import red_tags
    from inspection_api import releases
    from inspection_api import users

    modules = (
        auth,
        organizations,
        facilities,
        assets,
        inspections,
        certificates,
        compliance,
        filings,
        red_tags,
        imports,
        monitoring,
        releases,
        measures,
        users,
        compliance_inspections,
        receptors,
        map_features,
        field,
        designated_operators,
        financial_responsibility,
    )
    for module in modules:
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
        # The JSON API checks CSRF itself (registry.core.security): bearer calls need none.
        csrf.exempt(module.blp)
