"""Tags: random, checked, forgiving of case, dashes and look-alike symbols."""

from __future__ import annotations

import itertools

import pytest

from registry.assets import tags

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_generated_tags_are_valid_grouped_and_qr_alphanumeric() -> None:
    seen = set()
    for _ in range(2000):
        tag = tags.generate()
        assert len(tag) == 12 and tags.is_valid(tag)
        shown = tags.display(tag)
        assert len(shown) == 14 and shown[4] == shown[9] == "-"
        assert set(shown) <= QR_ALPHANUMERIC
        seen.add(tag)
    assert len(seen) == 2000  # 55 random bits: no repeats in a few thousand


def test_tags_carry_at_least_50_random_bits() -> None:
    assert tags.DATA_LENGTH * 5 >= 50


def test_lookup_ignores_case_dashes_and_confusions() -> None:
    tag = tags.generate()
    shown = tags.display(tag)
    assert tags.normalize(shown.lower()) == tag
    assert tags.normalize(f"  {shown}  ") == tag
    assert tags.normalize(tag.replace("0", "O").replace("1", "I")) == tag
    assert tags.normalize(tag.replace("1", "l")) == tag


@pytest.mark.parametrize("seed", range(40))
def test_every_single_wrong_symbol_is_caught(seed: int) -> None:
    tag = tags.generate()
    for i, original in enumerate(tag):
        for replacement in tags.ALPHABET:
            if replacement != original:
                typo = tag[:i] + replacement + tag[i + 1 :]
                assert not tags.is_valid(typo), (tag, typo)


@pytest.mark.parametrize("seed", range(40))
def test_every_swap_of_neighbours_is_caught(seed: int) -> None:
    tag = tags.generate()
    for i in range(len(tag) - 1):
        if tag[i] != tag[i + 1]:
            swapped = tag[:i] + tag[i + 1] + tag[i] + tag[i + 2 :]
            assert not tags.is_valid(swapped), (tag, swapped)


def test_exhaustive_check_on_all_two_symbol_patterns() -> None:
    # Every pair of symbols at the last data position and the check position.
    base = tags.generate()[:10]
    for a, b in itertools.product(tags.ALPHABET, repeat=2):
        candidate = base + a + b
        valid = tags.is_valid(candidate)
        assert valid == (tags.normalize(candidate) == candidate if valid else False)


@pytest.mark.parametrize(
    "text", ["", "ABC", "7KQ2-M9XD-4WJ", "7KQ2-M9XD-4WJ8-1", "7KQ2-M9XD-4WU8", "7KQ2*M9XD*4WJ8"]
)
def test_malformed_tags_are_refused(text: str) -> None:
    assert not tags.is_valid(text)
