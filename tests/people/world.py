"""People rows for the `world` fixture: both facilities staffed with a trained Class A, B and C
operator (A's Class A with a certificate file), and a financial responsibility mechanism of
organization A.

Trained a month before the day the tests run: no training is due in any other test, whatever
its `as_of` (the reminders read the register as it stands) and whatever the day.
"""

from __future__ import annotations

import io
from datetime import date
from datetime import timedelta
from typing import Any

from werkzeug.datastructures import FileStorage

from registry.core.dates import today
from registry.extensions import db
from registry.people import financial
from registry.people import operators

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend(world: dict[str, Any]) -> None:
    """Add person_a (Class A at fac_a, of three per facility) and mechanism_a (org_a's)."""
    trained = today() - timedelta(days=30)
    people = {}
    for key in ("fac_a", "fac_b"):
        for cls in ("A", "B", "C"):
            upload = FileStorage(
                io.BytesIO(PDF), filename="cert.pdf", content_type="application/pdf"
            )
            people[key, cls] = operators.designate(
                world[key],
                {
                    "name": f"{world[key].name}{cls}类操作员",
                    "operator_class": cls,
                    "designated_on": date(2020, 1, 10),
                    "trained_on": trained,
                    "certificate_number": f"CERT-{world[key].id}{cls}",
                },
                certificate=upload if (key, cls) == ("fac_a", "A") else None,
            )
    person = people["fac_a", "A"]
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
