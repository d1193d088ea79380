"""Pages of field mode: the scan page, the shell that renders carried data offline, the
log-out warning about unsent inspections."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from flask import Blueprint
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required

from registry.auth import policy
from registry.compliance.rules import active_pack
from registry.compliance.services import window_days
from registry.core.choices import ALL
from registry.field.services import plan_facility_ids
from registry.inspections.checklists import load_checklist
from registry.inspections.schemas import SEVERITY_LABELS

bp = Blueprint("field", __name__)

# The label groups the carried card shows.
_GROUPS = (
    "asset_kind",
    "substance",
    "asset_status",
    "wall",
    "material",
    "corrosion_protection",
    "anti_seepage",
    "leak_detection",
    "inspection_result",
)
# Stands for an id in the addresses the shell builds ("…/999999999/…").
SLOT_ID = 999999999


def _labels() -> dict[str, dict[str, str]]:
    locale = str(get_locale())
    labels = {group: {k: str(v) for k, v in ALL[group].items()} for group in _GROUPS}
    labels["severity"] = {k: str(v) for k, v in SEVERITY_LABELS.items()}
    labels["obligation"] = {o.code: o.title(locale) for o in active_pack().obligations}
    return labels


@bp.get("/scan")
def scan() -> Any:
    """Scan tags with the camera (or type one), and prepare the phone for a day offline."""
    tag = (request.args.get("tag") or "").strip()
    if tag:
        return redirect("/t/" + quote(tag, safe=""))
    plan = plan_facility_ids(current_user) if current_user.is_authenticated else []
    return render_template("field/scan.html", plan_facilities=len(plan))


@bp.get("/field/shell")
@login_required
def shell() -> Any:
    """The page that renders a carried tag's card or inspection form on the phone, offline."""
    checklist = load_checklist()
    context = {
        "labels_json": json.dumps(_labels(), ensure_ascii=False),
        "due_days_json": json.dumps(checklist.finding_due_days),
        "window_days": window_days(),
        "may_inspect": policy.role_may(current_user, "inspect"),
        "slot_id": SLOT_ID,
    }
    response = make_response(render_template("field/shell.html", **context))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/field/logout")
@login_required
def logout_warning() -> Any:
    """Warn that inspections wait on this phone before logging out (the worker sends here)."""
    response = make_response(render_template("field/logout.html"))
    response.headers["Cache-Control"] = "private, no-cache"
    return response
