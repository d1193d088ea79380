"""GB 32100 unified social credit codes."""

from __future__ import annotations

import pytest

from registry.core import creditcode

# Published examples of real codes (business licences) with correct check symbols.
KNOWN_VALID = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91330100799655058B",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_pass(code: str) -> None:
    assert creditcode.is_valid(code)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_any_changed_check_symbol_fails(code: str) -> None:
    for ch in creditcode.CHARSET:
        if ch != code[-1]:
            assert not creditcode.is_valid(code[:-1] + ch)


@pytest.mark.parametrize(
    "code",
    ["", "9111000060003747", "91110000600037479CX", "9111000060003747IC", "91110000600037479O"],
)
def test_malformed_codes_fail(code: str) -> None:
    assert not creditcode.is_valid(code)


def test_lower_case_and_spaces_are_normalised() -> None:
    assert creditcode.is_valid(" 9144030071526726xg ")
