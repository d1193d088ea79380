"""Unified social credit codes (GB 32100-2015): 18 symbols, the last a mod-31 check."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


def check_symbol(first17: str) -> str:
    """Return the check symbol for the first 17 symbols."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Return the code stripped and upper-cased."""
    return (code or "").strip().upper().replace(" ", "")


def is_valid(code: str) -> bool:
    """Say whether a code has 18 allowed symbols and a correct check symbol."""
    code = normalize(code)
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return check_symbol(code[:17]) == code[17]


def complete(first17: str) -> str:
    """Append the check symbol (for demo data and tests)."""
    return first17 + check_symbol(first17)
