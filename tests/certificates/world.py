"""Certificate rows for the `world` fixture: a passed inspection of pipeline A and its certificate.

Both are made on first use: most tests that build the world never need them (rendering a PDF
costs time, and other domains count the world's inspections).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.extensions import db
from tests.certificates.conftest import inspect


class Lazy:
    """Stands for a row; makes it the first time an attribute is read."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._row: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._row is None:
            self._row = self._make()
        return getattr(self._row, name)


def extend(world: dict[str, Any]) -> None:
    """Add inspection_pass (pipeline A, passed) and cert_a (issued from it)."""
    inspector = world["users"]["inspector"]
    inspection = Lazy(lambda: inspect(world["pipe_a"], inspector))

    def issue() -> Any:
        from registry.certificates.services import issue_certificate

        cert = issue_certificate(_real(inspection), issued_by=inspector)
        db.session.commit()
        return cert

    world.update(inspection_pass=inspection, cert_a=Lazy(issue))


def _real(proxy: Lazy) -> Any:
    proxy.__getattr__("id")
    return proxy._row
