"""A hostile world: every free-text field of every domain filled with an attack payload.

Shared by the injection tests (pages, PDF, e-mail, calendar) and the export tests.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from registry.core.creditcode import complete
from registry.extensions import db

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "formula": '=HYPERLINK("http://x")',
}

_n = iter(range(700_000_000, 800_000_000))


def _inspection(asset: Any, inspector: Any, payload: str, result: str, findings: list[Any]) -> Any:
    from tests.certificates.conftest import inspect

    inspection = inspect(asset, inspector, result=result, findings=findings)
    inspection.notes = payload  # the notes field is free text from the inspector's phone
    db.session.commit()
    return inspection


def build(payload: str, users: dict[str, Any]) -> dict[str, Any]:
    """Create an organization, facility, tank, pipeline, inspections, findings, filing, red tag
    and certificate whose free-text fields all carry `payload`; return them by name."""
    from registry.assets.services import create_asset
    from registry.certificates.services import issue_certificate
    from registry.enforcement.services import place_red_tag
    from registry.filings.services import return_filing
    from registry.filings.services import submit_filing
    from registry.inspections import actions
    from registry.sites.services import create_facility
    from registry.sites.services import create_organization

    n = next(_n)
    org = create_organization(
        {
            "name": f"{payload} 有限公司",
            "credit_code": complete(f"91110101{n:09d}"),
            "contact_email": f"hostile{n}@example.cn",
            "contact_name": payload,
            "address": payload,
        }
    )
    db.session.flush()
    fac = create_facility(
        {
            "organization_id": org.id,
            "name": payload,
            "kind": "gas_station",
            "subdistrict": "东直门街道",
            "address": payload,
            "latitude": 39.94,
            "longitude": 116.43,
            "key_supervised": False,
            "status": "active",
        },
        by=None,
    )
    common = {
        "facility_id": fac.id,
        "operator_ref": payload,
        "substance": "gasoline",
        "substance_detail": payload,
        "status": "in_service",
        "installed_on": date(2020, 1, 15),
        "wall": "double",
        "material": "frp",
        "anti_seepage": "double_wall",
        "corrosion_protection": "none",
        "leak_detection": ["interstitial"],
    }
    tank = create_asset({**common, "kind": "tank", "capacity_litres": 30000.0}, by=None)
    pipe = create_asset(
        {
            **common,
            "kind": "pipeline",
            # A reference names one asset at its facility: the pipe's carries the payload too.
            "operator_ref": payload + " 2",
            "piping_type": "pressurized",
            "length_m": 40.0,
            "diameter_mm": 50.0,
            "line_leak_detector": True,
            "from_point": payload,
            "to_point": payload,
        },
        by=None,
    )
    db.session.commit()
    inspector = users["inspector"]
    finding = {"severity": "high", "description": payload, "due_on": None, "item": None}
    failed = _inspection(tank, inspector, payload, "fail", [finding])
    action = failed.findings[0].corrective_action
    actions.mark_fixed(action, user=users["regulator"], notes=payload)
    passed = _inspection(pipe, inspector, payload, "pass", [])
    cert = issue_certificate(passed, issued_by=inspector)
    returned = submit_filing(fac, submitted_by=users["regulator"], note=payload)
    return_filing(returned, reviewed_by=users["regulator"], comment=payload)
    filing = submit_filing(fac, submitted_by=users["regulator"], note=payload)
    red_tag = place_red_tag(tank, reason=payload, legal_basis=payload, placed_by=users["regulator"])
    db.session.commit()
    return {
        "org": org,
        "facility": fac,
        "tank": tank,
        "pipe": pipe,
        "failed": failed,
        "passed": passed,
        "action": action,
        "cert": cert,
        "filing": filing,
        "returned": returned,
        "red_tag": red_tag,
        "id": str(uuid.uuid4()),
    }
