"""Fixtures: the rule pack in force for one test (shared with the release tests)."""

from tests.releases.conftest import use_pack  # noqa: F401
