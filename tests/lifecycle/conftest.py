"""Fixtures: the rule pack in force for one test, activity records added straight (both shared
with the release and compliance tests)."""

from tests.compliance.conftest import record  # noqa: F401
from tests.releases.conftest import use_pack  # noqa: F401
