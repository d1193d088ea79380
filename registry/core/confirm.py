"""The confirmation step of an official act: the button asks, the confirm page acts.

Content-Security-Policy forbids inline scripts, so the question is a page of its own. A
button that acts posts `confirm=1` with its form; the view validates the form and, instead of
acting, renders what will happen with a form that posts the same fields again without
`confirm`. A post without `confirm` acts as before (programs and the confirm page itself).
"""

from __future__ import annotations

from flask import render_template
from werkzeug.datastructures import MultiDict

CONFIRM_FIELD = "confirm"
_NOT_REPOSTED = {"csrf_token", CONFIRM_FIELD}


def asks_confirmation(form: MultiDict[str, str]) -> bool:
    """Whether the post came from a button that asks before it acts."""
    return form.get(CONFIRM_FIELD) == "1"


def confirmation_page(
    form: MultiDict[str, str],
    *,
    title: str,
    consequences: list[str],
    action: str,
    button: str,
    cancel_url: str,
    danger: bool = False,
) -> tuple[str, int]:
    """Render the question: what will happen, the same fields to post again, Confirm, Cancel."""
    fields = [(k, v) for k, v in form.items(multi=True) if k not in _NOT_REPOSTED]
    return render_template(
        "confirm.html",
        title=title,
        consequences=consequences,
        action=action,
        fields=fields,
        button=button,
        cancel_url=cancel_url,
        danger=danger,
    ), 200
