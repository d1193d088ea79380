"""The official acts on a release from the pages: confirm, not confirmed, close.

Each asks first (registry.core.confirm): the button posts `confirm=1`, the page says what will
happen, and the post from that page acts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.core.confirm import confirmation_page
from registry.core.forms import submit
from registry.releases import services
from registry.releases.forms import load_local
from registry.releases.schemas import CloseSchema
from registry.releases.schemas import ConfirmSchema
from registry.releases.schemas import NotConfirmedSchema


@dataclass(frozen=True)
class Act:
    action: str  # the policy's action
    schema: type
    do: Callable[..., Any]
    title: Any
    button: Any
    consequence: Any
    done: Any


ACTS = {
    "confirm": Act(
        "report_release",
        ConfirmSchema,
        services.confirm,
        _l("Confirm the release?"),
        _l("Confirm release"),
        _l(
            "%(number)s becomes a confirmed release: the cleanup steps and their clocks start, "
            "and the public list and the cards of the facility's tanks and pipelines say so."
        ),
        _l("Release confirmed: the cleanup clocks are running."),
    ),
    "not-confirmed": Act(
        "report_release",
        NotConfirmedSchema,
        services.not_confirmed,
        _l("End the release as not confirmed?"),
        _l("Not confirmed"),
        _l(
            "%(number)s ends as not confirmed with your reason; its open steps leave the reminders."
        ),
        _l("Release ended as not confirmed."),
    ),
    "close": Act(
        "close_release",
        CloseSchema,
        services.close,
        _l("Close the release?"),
        _l("Close release"),
        _l(
            "%(number)s is closed with your reason: no further action. The public list keeps it "
            "as closed; its open steps leave the reminders."
        ),
        _l("Release closed."),
    ),
}


def act_on(release: Any, act: str, again: Callable[[dict[str, Any], Any, int], Any]) -> Any:
    """Validate the act's form, ask for confirmation, then act; `again` re-renders on errors."""
    spec = ACTS[act]

    def ask(_data: dict[str, Any]) -> Any:
        return confirmation_page(
            title=str(spec.title),
            consequences=[str(spec.consequence) % {"number": release.number}],
            button=str(spec.button),
            cancel_url=url_for("releases.release_detail", release_id=release.id),
            danger=act != "confirm",
        )

    done = submit(
        spec.schema(),
        request.form,
        lambda data: spec.do(release, by=current_user, **data),
        confirm=ask,
        loader=load_local,
    )
    if done.confirmation is not None:
        return done.confirmation
    if not done.ok:
        return again(request.form.to_dict(), done.errors, done.status)
    flash(str(spec.done), "success")
    return redirect(url_for("releases.release_detail", release_id=release.id))
