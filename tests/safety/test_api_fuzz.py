"""Fuzz every API operation from its OpenAPI document: no 5xx, every answer matches the document.

Authenticated as a regulator (who may call every operation) on a world of two organizations;
bounded to a few dozen generated requests per operation so that it fits CI.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from registry import create_app

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]
SPEC_PATH = "/api/v1/openapi.json"
EXAMPLES = 30


def _operations() -> list[tuple[str, str]]:
    """List (method, path) of every operation, from a throwaway app's document."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    spec = app.test_client().get(SPEC_PATH).get_json()
    return [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_operation(
    method: str, path: str, app: Any, world: dict[str, Any], api_headers: Any
) -> None:
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, app)
    operation = schema[path][method]
    headers = api_headers(world["users"]["regulator"])

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
