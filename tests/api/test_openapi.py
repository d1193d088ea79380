"""The OpenAPI document describes every operation of the API with its schemas."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return dict(r.json)


def _api_operations(app: Any) -> set[tuple[str, str]]:
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            ops.add((path, method.lower()))
    return ops


def test_every_api_route_is_in_the_document(app: Any, spec: dict[str, Any]) -> None:
    operations = _api_operations(app)
    assert ("/api/v1/assets/{asset_id}", "patch") in operations
    documented = {
        (path, m) for path, item in spec["paths"].items() for m in item if m != "parameters"
    }
    missing = operations - documented
    assert not missing, f"undocumented operations: {sorted(missing)}"


def _ref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return dict(spec["components"]["schemas"][name])
    if schema.get("type") == "array":
        return _ref(spec, schema["items"])
    return schema


def test_every_operation_has_a_summary_and_schemas(app: Any, spec: dict[str, Any]) -> None:
    problems = []
    for path, method in sorted(_api_operations(app)):
        op = spec["paths"][path][method]
        if not op.get("summary"):
            problems.append(f"{method} {path}: no summary")
        # Actions on a corrective action take an optional body; photos are multipart uploads;
        # revoking a user's tokens needs nothing but the user.
        bodiless = path.endswith(("/fix", "/verify", "/reopen", "/photos", "/tokens/revoke"))
        if method in ("post", "patch", "put") and "requestBody" not in op and not bodiless:
            problems.append(f"{method} {path}: no request body")
        ok = [code for code in op["responses"] if code.startswith("2")]
        if not ok:
            problems.append(f"{method} {path}: no success response")
        for code in ok:
            content = op["responses"][code].get("content")
            if code != "204" and not content:
                problems.append(f"{method} {path}: {code} has no schema")
    assert not problems, "\n".join(problems)


def test_asset_schema_has_the_contract_fields(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/api/v1/assets/{asset_id}"]["get"]
    schema = _ref(spec, op["responses"]["200"]["content"]["application/json"]["schema"])
    fields = set(schema["properties"])
    assert {
        "id",
        "facility_id",
        "kind",
        "tag",
        "operator_ref",
        "substance",
        "substance_detail",
        "status",
        "installed_on",
        "closed_on",
        "wall",
        "material",
        "corrosion_protection",
        "anti_seepage",
        "leak_detection",
        "red_tagged",
        "version",
        "capacity_litres",
        "compartments",
        "spill_containment",
        "overfill_prevention",
        "piping_type",
        "length_m",
        "diameter_mm",
        "line_leak_detector",
        "from_point",
        "to_point",
    } <= fields
    assert schema["properties"]["substance"]["enum"][0] == "gasoline"
    patch = spec["paths"]["/api/v1/assets/{asset_id}"]["patch"]
    variants = patch["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    for variant in variants:
        assert "version" in _ref(spec, variant).get("required", [])


def test_an_asset_body_is_a_tanks_or_a_pipelines(spec: dict[str, Any]) -> None:
    post = spec["paths"]["/api/v1/assets"]["post"]
    tank, pipe = (
        _ref(spec, v) for v in post["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    )
    assert tank["properties"]["kind"]["enum"] == ["tank"]
    assert pipe["properties"]["kind"]["enum"] == ["pipeline"]
    assert tank["properties"]["piping_type"] == {"enum": [None], "nullable": True}
    assert tank["properties"]["line_leak_detector"] == {"enum": [False], "nullable": False}
    assert pipe["properties"]["capacity_litres"] == {"enum": [None], "nullable": True}
    assert tank["properties"]["capacity_litres"]["exclusiveMinimum"] is True
    assert tank["additionalProperties"] is False
    lists = spec["paths"]["/api/v1/assets"]["get"]
    names = {p["name"] for p in lists["parameters"]}
    assert {"page", "page_size", "q", "kind", "status", "subdistrict", "facility_kind"} <= names


def test_document_declares_bearer_auth(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
