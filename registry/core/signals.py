"""Events one domain announces and others act on, so that packages stay independent.

- inspection_passed(sender, inspection, activities, performed_on, performed_by):
  a passed inspection covers these rule-pack activity codes (the compliance package records them).
- filing_accepted(sender, filing, facility_id, accepted_on): the bureau accepted a filing.
- red_tag_changed(sender, asset, red_tag, placed): a red tag was placed or lifted.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

inspection_passed = _signals.signal("inspection-passed")
filing_accepted = _signals.signal("filing-accepted")
red_tag_changed = _signals.signal("red-tag-changed")
