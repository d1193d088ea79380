"""Mann–Kendall against published worked examples, ties, and short series."""

from __future__ import annotations

import math

import pytest

from registry.monitoring.trend import mann_kendall
from registry.monitoring.trend import s_statistic
from registry.monitoring.trend import variance


def test_epa_qa_g9s_example_with_two_groups_of_ties() -> None:
    # US EPA, Data Quality Assessment: Statistical Methods for Practitioners (EPA QA/G-9S,
    # 2006), p. 109, as quoted in EarthSoft EnviroInsite's published check values: ties in
    # groups of 4 (10.0) and 2 (15.0); S = 22, Var(S) = 155.33, Z = 1.685.
    values = [10, 10, 10, 5, 10, 20, 18, 17, 15, 24, 15]
    result = mann_kendall(values)
    assert result.n == 11
    assert result.s == 22
    assert result.var_s == pytest.approx(155.33, abs=0.005)
    assert result.z == pytest.approx(1.685, abs=0.0005)
    # Two-sided p = 0.092 > 0.05: not significant, no alert.
    assert result.p == pytest.approx(0.0920, abs=0.0005)
    assert result.trend == "none"


def test_worked_example_by_hand_with_one_tie() -> None:
    # "A Mann-Kendall Example (By Hand)", College of the Holy Cross (J. Little):
    # S = 54, V = (14·13·33 − 2·1·9)/18, Z = 2.9058, one-sided p ≈ .0018.
    values = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]
    result = mann_kendall(values)
    assert result.s == 54
    assert result.var_s == pytest.approx((14 * 13 * 33 - 2 * 1 * 9) / 18)
    assert result.z == pytest.approx(2.9058, abs=0.0001)
    assert result.p / 2 == pytest.approx(0.0018, abs=0.0001)
    assert result.rising and result.h
    assert result.tau == pytest.approx(54 / 91)


def test_tie_correction_changes_the_variance() -> None:
    # Without ties Var(S) = n(n−1)(2n+5)/18; each group of t ties removes t(t−1)(2t+5)/18.
    assert variance([1, 2, 3, 4, 5]) == pytest.approx(5 * 4 * 15 / 18)
    tied = [1, 1, 1, 2, 2]
    assert variance(tied) == pytest.approx((5 * 4 * 15 - 3 * 2 * 11 - 2 * 1 * 9) / 18)
    assert s_statistic(tied) == 6  # tied pairs count zero


def test_all_equal_values_have_no_trend() -> None:
    result = mann_kendall([3.0, 3.0, 3.0, 3.0, 3.0])
    assert result.s == 0 and result.var_s == 0 and result.z == 0 and result.trend == "none"


def test_fewer_than_four_readings_give_no_trend() -> None:
    for values in ([], [1.0], [1.0, 2.0], [1.0, 2.0, 3.0]):
        assert mann_kendall(values).trend == "too_few"
        assert not mann_kendall(values).rising


def test_four_rising_readings_are_significant_one_sided_only() -> None:
    # n = 4: S = 6, Var = 8.667, Z = 5/√8.667 = 1.698. Two-sided p = 0.089: the two-sided
    # test cannot reject with four readings. One-sided (H1: upward, Gilbert 1987 §16.4.1)
    # p = 0.0447 < 0.05 (Gilbert's exact Table A18 gives 0.042 for n = 4, S = 6).
    four = mann_kendall([1, 2, 3, 4])
    assert four.s == 6 and four.z == pytest.approx(5 / math.sqrt(26 / 3))
    assert four.p == pytest.approx(0.0894, abs=0.0001) and four.trend == "none"
    up = mann_kendall([1, 2, 3, 4], alternative="greater")
    assert up.p == pytest.approx(0.0447, abs=0.0001) and up.rising
    five = mann_kendall([1, 2, 3, 4, 5])
    assert five.p == pytest.approx(0.0275, abs=0.0001) and five.rising


def test_one_sided_test_ignores_falling_series_and_weak_rises() -> None:
    falling = mann_kendall([4, 3, 2, 1, 0.5], alternative="greater")
    assert falling.p > 0.5 and falling.trend == "none"
    # S = 4 with n = 4: Z = 3/√8.667 = 1.019, one-sided p = 0.154
    weak = mann_kendall([1, 3, 2, 4], alternative="greater")
    assert weak.s == 4 and weak.p == pytest.approx(0.154, abs=0.001) and not weak.rising
    # The EPA QA/G-9S series above: Z = 1.685, one-sided p = 0.046 — a rising trend.
    epa = mann_kendall([10, 10, 10, 5, 10, 20, 18, 17, 15, 24, 15], alternative="greater")
    assert epa.p == pytest.approx(0.0460, abs=0.0005) and epa.rising
    with pytest.raises(ValueError):
        mann_kendall([1, 2, 3, 4], alternative="less-ish")


def test_falling_series() -> None:
    result = mann_kendall([9, 8, 7, 6, 5, 4])
    assert result.s == -15 and result.z < 0 and result.trend == "falling"
    assert not result.rising
