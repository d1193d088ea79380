"""Accessibility checks for browser tests: axe-core (vendored) run on the open page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# Violations at these impacts fail a test; "minor" and "moderate" ones are reported by axe
# but left to review.
FAILING_IMPACTS = ("serious", "critical")

RUN_AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
  }));
}
"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it stands; return its serious and critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: add_script_tag would insert an inline
        # script, which the app's CSP (rightly) blocks.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    violations = page.evaluate(RUN_AXE_JS)
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def assert_accessible(page: Any) -> None:
    """Fail the test when axe-core finds a serious or critical violation on the page."""
    found = axe_violations(page)
    assert not found, f"{page.url}: accessibility violations: " + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in found
    )
