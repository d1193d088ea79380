"""Certificate numbers `DC-2026-000123`: unique and without gaps per prefix and year."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from registry.certificates.models import CertificateCounter
from registry.extensions import db


def _insert_counter(prefix: str, year: int) -> Any:
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(CertificateCounter)
        .values(prefix=prefix, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["prefix", "year"])
    )


def next_number(prefix: str, year: int) -> str:
    """Take the next number of the year inside the caller's transaction.

    The UPDATE locks the counter row until the transaction ends, so concurrent issuers wait
    for each other, and a transaction that rolls back gives its number back: no gaps.
    """
    db.session.execute(_insert_counter(prefix, year))
    last = db.session.execute(
        update(CertificateCounter)
        .where(CertificateCounter.prefix == prefix, CertificateCounter.year == year)
        .values(last=CertificateCounter.last + 1)
        .returning(CertificateCounter.last)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return format_number(prefix, year, last)


def format_number(prefix: str, year: int, serial: int) -> str:
    """Spell a certificate number."""
    return f"{prefix}-{year}-{serial:06d}"


def normalise(number: str) -> str:
    """Return a typed-in number in the stored form (upper case, no spaces)."""
    return "".join(number.split()).upper()
