"""Invisible characters that make stored text lie about itself, removed at the door."""

from __future__ import annotations

import re
from typing import Any

# Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates,
# U+200E/U+200F marks, U+061C the Arabic letter mark) reorder what a reader sees: a name can
# show as something else than it is. Zero-width characters (U+200B-U+200D, U+2060 word joiner,
# U+FEFF byte-order mark) make two names that look alike differ, and hide text in searches.
INVISIBLE_CHARS = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")


def strip_invisible(value: str) -> str:
    """Remove bidirectional controls and zero-width characters from a text."""
    return INVISIBLE.sub("", value)


def clean_value(value: Any) -> Any:
    """Remove invisible characters from a string or from each string of a list."""
    if isinstance(value, str):
        return strip_invisible(value)
    if isinstance(value, list):
        return [strip_invisible(v) if isinstance(v, str) else v for v in value]
    return value
