"""Asset tags: random Crockford base32 with a mod-37 check symbol, grouped for people.

A tag is 11 random symbols (55 bits) and one check symbol. The check is the value of the
data symbols mod 37 (Crockford's scheme): every single wrong symbol and every swap of two
neighbours changes it. Crockford's extra check symbols (`*~$=U`) are not QR-alphanumeric
or URL-friendly, so tags whose check would need one are never issued: the check symbol is
always one of the 32 ordinary symbols.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from registry.core import choices

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 11
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_STRIP = re.compile(r"[\s\-_]+")


class InvalidTag(ValueError):
    """The text is not a well-formed tag (wrong length, symbol or check)."""


def _check_value(data: str) -> int:
    n = 0
    for ch in data:
        n = (n * 32 + _VALUE[ch]) % 37
    return n


def generate() -> str:
    """Return a new random tag in canonical form (12 symbols, no dashes)."""
    while True:
        data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
        check = _check_value(data)
        if check < 32:
            return data + ALPHABET[check]


def normalize(text: str) -> str:
    """Return the canonical form of a typed or scanned tag, or raise InvalidTag."""
    canon = _STRIP.sub("", text or "").upper().translate(_CONFUSIONS)
    if len(canon) != DATA_LENGTH + 1 or any(ch not in _VALUE for ch in canon):
        raise InvalidTag(text)
    if _check_value(canon[:-1]) != _VALUE[canon[-1]]:
        raise InvalidTag(text)
    return canon


def is_valid(text: str) -> bool:
    """Say whether the text is a well-formed tag."""
    try:
        normalize(text)
    except InvalidTag:
        return False
    return True


def display(tag: str) -> str:
    """Group a canonical tag for people: `7KQ2-M9XD-4WJ8`."""
    return "-".join(tag[i : i + 4] for i in range(0, len(tag), 4))


def asset_words(asset: Any) -> str:
    """Name an asset as a confirmation says it: kind, the operator's number, tag, facility."""
    ref = asset.operator_ref or f"#{asset.id}"
    kind = choices.label("asset_kind", asset.kind)
    return f"{kind} {ref} {display(asset.tag)} · {asset.facility.name}"
