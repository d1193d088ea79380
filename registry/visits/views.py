"""Pages of compliance inspections: start a visit, its record and notice, violations, plans."""

from __future__ import annotations

from flask import Blueprint

from registry.compliance.services import register_reminder_source
from registry.visits.reminders import violation_reminders

bp = Blueprint("visits", __name__)

register_reminder_source(violation_reminders)
