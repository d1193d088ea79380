"""Extension points of the shared pages: a domain adds a panel without editing the page.

A panel is a template included into a page with the page's context (`asset`, `facility`,
`org`, ...). Pages and their slots: asset_detail, asset_actions, facility_detail,
facility_actions, organization_detail.
"""

from __future__ import annotations

from collections import defaultdict

_PANELS: dict[str, dict[str, int]] = defaultdict(dict)


def add_panel(slot: str, template: str, order: int = 50) -> None:
    """Include `template` in `slot` of a page, sorted by `order`."""
    _PANELS[slot][template] = order


def panels(slot: str) -> list[str]:
    """Return the templates of a slot in order."""
    return [t for t, _ in sorted(_PANELS[slot].items(), key=lambda item: (item[1], item[0]))]
