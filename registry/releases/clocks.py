"""The steps of a release and their deadlines, from the rule pack's `[release]` table."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from registry.compliance.release_rules import ReleaseRules
from registry.compliance.release_rules import StepRule
from registry.compliance.rules import active_pack
from registry.core.dates import local_zone
from registry.releases.models import Release
from registry.releases.models import ReleaseStep

NO_RULES = ReleaseRules(frozenset(), ())


def release_rules() -> ReleaseRules:
    """Return the `[release]` rules of the pack in force (none: no steps, nothing detects)."""
    return active_pack().release or NO_RULES


def step_rule(code: str) -> StepRule | None:
    """Return the rule of a step code of the pack in force."""
    return release_rules().step(code)


def applies(rule: StepRule, release: Release) -> bool:
    """Say whether a step's condition holds for the release (free product found)."""
    return rule.when != "free_product" or bool(release.free_product)


def origin_moment(rule: StepRule, release: Release) -> datetime | None:
    """Return the moment a step's clock starts: the discovery or the confirmation."""
    if rule.origin == "discovery":
        return release.discovered_at
    if rule.origin == "confirmation":
        return release.confirmed_at
    return None


def add_steps(release: Release, origin: str) -> list[ReleaseStep]:
    """Add the release's steps of one origin that apply and are not there yet."""
    have = {s.code for s in release.steps}
    added = []
    for position, rule in enumerate(release_rules().steps):
        if rule.origin != origin or rule.code in have or not applies(rule, release):
            continue
        step = ReleaseStep(
            code=rule.code, position=position, due_at=rule.due_at(origin_moment(rule, release))
        )
        release.steps.append(step)
        added.append(step)
    return added


def local_day(moment: datetime) -> date:
    """Return the district's calendar day of a moment (what `due_on` says)."""
    return moment.astimezone(local_zone()).date()
