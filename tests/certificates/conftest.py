"""Fixtures for certificates: passed inspections and issued certificates."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest

from registry.extensions import db as _db
from tests.helpers import passing_answers


def inspect(
    asset: Any,
    inspector: Any,
    *,
    result: str = "pass",
    findings: Any = None,
    performed_at: datetime | None = None,
) -> Any:
    """Record an inspection of an asset answering every item compliantly (or failing it).

    Performed an hour ago by default: a certificate needs an inspection younger than its
    validity, whatever day the tests run.
    """
    from registry.inspections.services import submit_inspection

    answers = passing_answers(asset)
    data = {
        "client_uuid": uuid.uuid4(),
        "asset_id": asset.id,
        "performed_at": performed_at or datetime.now(UTC) - timedelta(hours=1),
        "answers": answers,
        "result": result,
        "notes": None,
        "latitude": None,
        "longitude": None,
        "findings": findings or [],
    }
    inspection, _ = submit_inspection(data, asset=asset, inspector=inspector)
    _db.session.commit()
    return inspection


@pytest.fixture
def passed_inspection(db: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """Return a factory: passed_inspection(asset, inspector=None, **kw) -> a passed inspection."""

    def make(asset: Any, inspector: Any = None, **kw: Any) -> Any:
        return inspect(asset, inspector or make_user("inspector", name="王检查"), **kw)

    return make


@pytest.fixture
def issue(db: Any, make_user: Callable[..., Any], passed_inspection: Any) -> Callable[..., Any]:
    """Return a factory: issue(asset) -> a certificate issued from a new passed inspection."""
    from registry.certificates.services import issue_certificate

    def make(asset: Any, by: Any = None) -> Any:
        issuer = by or make_user("inspector", name="李签发")
        cert = issue_certificate(passed_inspection(asset, issuer), issued_by=issuer)
        _db.session.commit()
        return cert

    return make
