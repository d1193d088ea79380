"""HMAC signatures over a certificate's issue fields and its lifecycle fields.

The key is derived from SECRET_KEY with a purpose label, so it signs nothing else. A row
changed behind the application's back no longer matches its signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from datetime import datetime
from typing import Any

from flask import current_app

from registry.certificates.models import Certificate

_PURPOSE = b"ust-registry/certificate-signature/v1"


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _mac(kind: str, fields: dict[str, Any]) -> str:
    text = json.dumps(
        {"kind": kind, **{k: _plain(v) for k, v in fields.items()}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


def issue_fields(cert: Certificate) -> dict[str, Any]:
    """Return the fields fixed at issue, as signed."""
    return {
        "number": cert.number,
        "asset_id": cert.asset_id,
        "asset_tag": cert.asset_tag,
        "facility_id": cert.facility_id,
        "facility_name": cert.facility_name,
        "operator_name": cert.operator_name,
        "inspection_id": cert.inspection_id,
        "issued_on": cert.issued_on,
        "valid_from": cert.valid_from,
        "valid_until": cert.valid_until,
        "issued_by_id": cert.issued_by_id,
        "printed": cert.printed,
        "pdf_sha256": cert.pdf_sha256,
    }


def lifecycle_fields(cert: Certificate) -> dict[str, Any]:
    """Return the fields that change after issue, as signed."""
    return {
        "number": cert.number,
        "status": cert.status,
        "superseded_by_id": cert.superseded_by_id,
        "revoked_at": cert.revoked_at,
        "revoked_by_id": cert.revoked_by_id,
        "revocation_reason": cert.revocation_reason,
    }


def sign_issue(cert: Certificate) -> None:
    """Sign the issue fields."""
    cert.signature = _mac("issue", issue_fields(cert))


def sign_lifecycle(cert: Certificate) -> None:
    """Sign the lifecycle fields; call after every change of status, revocation or supersession."""
    cert.lifecycle_signature = _mac("lifecycle", lifecycle_fields(cert))


def is_authentic(cert: Certificate, pdf: bytes | None = None) -> bool:
    """Say whether both signatures match the row (and the stored PDF, when given)."""
    ok = hmac.compare_digest(cert.signature or "", _mac("issue", issue_fields(cert)))
    ok = (
        hmac.compare_digest(
            cert.lifecycle_signature or "", _mac("lifecycle", lifecycle_fields(cert))
        )
        and ok
    )
    if pdf is not None:
        ok = hmac.compare_digest(hashlib.sha256(pdf).hexdigest(), cert.pdf_sha256 or "") and ok
    return ok
