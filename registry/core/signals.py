"""Events one domain announces and others act on, so that packages stay independent.

- inspection_passed(sender, inspection, activities, performed_on, performed_by):
  a passed inspection covers these rule-pack activity codes (the compliance package records them).
- filing_accepted(sender, filing, facility_id, accepted_on): the bureau accepted a filing.
- red_tag_changed(sender, asset, red_tag, placed): a red tag was placed or lifted.
- record_filed(sender, record, recorded_by): an activity record was filed (in the filer's
  transaction: a failed release-detection record opens a suspected release).
- reading_added(sender, reading, entered_by): a monitoring reading was recorded (likewise: an
  exceedance or a rising trend opens one).
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from blinker import Signal
from flask import current_app

_signals = Namespace()

inspection_passed = _signals.signal("inspection-passed")
filing_accepted = _signals.signal("filing-accepted")
red_tag_changed = _signals.signal("red-tag-changed")
record_filed = _signals.signal("record-filed")
reading_added = _signals.signal("reading-added")


def announce(signal: Signal, **facts: Any) -> None:
    """Send `signal` from the running app (the sender receivers are connected for)."""
    signal.send(current_app._get_current_object(), **facts)  # type: ignore[attr-defined]
