"""Read an HTML form the way a browser would: what it would submit, and the messages it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self.errors: dict[str, str] = {}
        self.options: dict[str, list[tuple[str, str]]] = {}
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._error: str | None = None
        self._error_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button"):
                return
            self.values.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
            if self._select:
                self.options.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self._option = (a.get("value", ""), "selected" in a)
            self._option_text = []
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values.setdefault(self._textarea or "", []).append("")
        elif tag == "span" and "error" in a.get("class", "").split():
            self._error = a.get("id", "").removesuffix("-error")
            self._error_text = []

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text.append(data)
        if self._textarea:
            self.values[self._textarea][-1] += data
        if self._error is not None:
            self._error_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select and self._option is not None:
            value, selected = self._option
            self.options[self._select].append((value, "".join(self._option_text).strip()))
            if selected:
                self.values.setdefault(self._select, []).append(value)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "span" and self._error is not None:
            self.errors[self._error] = " ".join("".join(self._error_text).split())
            self._error = None


def read_form(html: str) -> _FormParser:
    """Parse the page's form controls and field messages."""
    parser = _FormParser()
    parser.feed(html)
    return parser


def submitted(html: str) -> dict[str, Any]:
    """What the browser would send for the page's forms (single values unwrapped)."""
    values = read_form(html).values
    return {k: v[0] if len(v) == 1 else v for k, v in values.items()}


def field_errors(html: str) -> dict[str, str]:
    """The message shown at each field, by field name."""
    return read_form(html).errors


def option_labels(html: str, name: str) -> dict[str, str]:
    """The text shown for each option of a select, by value."""
    return dict(read_form(html).options.get(name, []))


def ids_linked(html: str, prefix: str) -> set[int]:
    """The ids of rows linked as `prefix<id>` (e.g. '/assets/')."""
    return {int(m) for m in re.findall(re.escape(prefix) + r'(\d+)"', html)}


def confirm_form(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The confirmation page's form: where it posts and the hidden fields it posts again."""
    import html as html_lib

    match = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-confirm-form>(.*?)</form>', html, re.S
    )
    assert match, "no confirmation form on the page"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match.group(2))
    return html_lib.unescape(match.group(1)), [
        (html_lib.unescape(k), html_lib.unescape(v)) for k, v in fields if k != "csrf_token"
    ]


def consequences(html: str) -> str:
    """The text of the confirmation page's list of what will happen."""
    import html as html_lib

    match = re.search(r'<ul class="consequences">(.*?)</ul>', html, re.S)
    assert match, "no consequences on the page"
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))
