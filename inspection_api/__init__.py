"""The JSON API under /api/v1 (flask-smorest): one module per resource."""

from __future__ import annotations

import importlib
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import INCLUDE
from marshmallow import Schema
from marshmallow import fields

from inspection_api.spec_rules import KindSplitPlugin
from inspection_api.spec_rules import add_rules
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

# The resource modules, registered in this order (the order of the OpenAPI document's tags).
# Imported by name when the API is bound to an app, as registry.blueprints binds it.
MODULES = (
    "auth",
    "organizations",
    "facilities",
    "assets",
    "inspections",
    "certificates",
    "compliance",
    "filings",
    "red_tags",
    "imports",
    "monitoring",
    "releases",
    "measures",
    "users",
    "compliance_inspections",
    "receptors",
    "map_features",
    "field",
    "designated_operators",
    "financial_responsibility",
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
    for name in MODULES:
        module = importlib.import_module(f"inspection_api.{name}")
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
        # The JSON API checks CSRF itself (registry.core.security): bearer calls need none.
        csrf.exempt(module.blp)
