"""People rows for the `world` fixture: a designated operator of facility A (with a training
certificate file) and a financial responsibility mechanism of organization A."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from werkzeug.datastructures import FileStorage

from registry.extensions import db
from registry.people import financial
from registry.people import operators

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend(world: dict[str, Any]) -> None:
    """Add person_a (Class A at fac_a) and mechanism_a (insurance of org_a)."""
    certificate = FileStorage(
        io.BytesIO(PDF), filename="class-a.pdf", content_type="application/pdf"
    )
    person = operators.designate(
        world["fac_a"],
        {
            "name": "张三",
            "operator_class": "A",
            "designated_on": date(2020, 1, 10),
            "trained_on": date(2020, 1, 20),
            "certificate_number": "A-2020-001",
        },
        certificate=certificate,
    )
    mechanism = financial.add_mechanism(
        world["org_a"],
        {
            "mechanism": "insurance",
            "provider": "Example Mutual",
            "per_occurrence": 1_000_000,
            "aggregate": 1_000_000,
            "effective_on": date(2020, 1, 1),
            "expires_on": None,
        },
    )
    db.session.commit()
    world.update(person_a=person, mechanism_a=mechanism)
