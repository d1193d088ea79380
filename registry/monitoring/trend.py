"""Mann–Kendall trend test, computed exactly as the textbooks give it (ties included).

S = Σ_{i<j} sgn(x_j − x_i); Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 over the groups
of tied values; Z = (S − 1)/√Var when S > 0, 0 when S = 0, (S + 1)/√Var when S < 0 (the
continuity correction); two-sided p = erfc(|Z|/√2), the same as
`pymannkendall.original_test`. Gilbert (1987) §16.4.

A *rising* trend is the one-sided test of Gilbert §16.4.1 (H1: an upward trend, reject H0
when Z > z₁₋α), p = erfc(Z/√2)/2: the alerts ask whether contamination rises, not whether it
changes. At α = 0.05 four steadily rising readings are significant one-sided (p = 0.045;
Gilbert's exact table gives 0.042) but never two-sided (p ≥ 0.089).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.05
MIN_READINGS = 4


@dataclass(frozen=True)
class Trend:
    """The test's result: `trend` is rising, falling, none, or too_few (n < 4)."""

    n: int
    s: int
    var_s: float
    z: float
    p: float
    trend: str

    @property
    def rising(self) -> bool:
        return self.trend == "rising"

    @property
    def h(self) -> bool:
        """Whether the trend is significant (pymannkendall's `h`)."""
        return self.trend in ("rising", "falling")

    @property
    def tau(self) -> float:
        """Kendall's tau: S over the number of pairs (pymannkendall's `Tau`)."""
        pairs = self.n * (self.n - 1) / 2
        return self.s / pairs if pairs else 0.0


def s_statistic(values: Sequence[float]) -> int:
    """Return S: the count of increasing pairs minus the count of decreasing pairs."""
    s = 0
    for i, xi in enumerate(values):
        for xj in values[i + 1 :]:
            s += (xj > xi) - (xj < xi)
    return s


def variance(values: Sequence[float]) -> float:
    """Return Var(S) under no trend, corrected for groups of tied values."""
    n = len(values)
    ties = sum(t * (t - 1) * (2 * t + 5) for t in Counter(values).values() if t > 1)
    return (n * (n - 1) * (2 * n + 5) - ties) / 18


def z_score(s: int, var_s: float) -> float:
    """Return the normal score of S with the continuity correction."""
    if s == 0 or var_s <= 0:
        return 0.0
    return (s - 1) / math.sqrt(var_s) if s > 0 else (s + 1) / math.sqrt(var_s)


def mann_kendall(
    values: Sequence[float], alpha: float = ALPHA, alternative: str = "two-sided"
) -> Trend:
    """Test a series (in time order) for a trend at `alpha`.

    `alternative`: "two-sided" (rising or falling) or "greater" (rising only, one-sided).
    """
    n = len(values)
    if n < MIN_READINGS:
        return Trend(n=n, s=0, var_s=0.0, z=0.0, p=1.0, trend="too_few")
    s = s_statistic(values)
    var_s = variance(values)
    z = z_score(s, var_s)
    if alternative == "greater":
        p = math.erfc(z / math.sqrt(2)) / 2
    elif alternative == "two-sided":
        p = math.erfc(abs(z) / math.sqrt(2))
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    trend = "none"
    if p < alpha and z != 0:
        trend = "rising" if z > 0 else "falling"
    return Trend(n=n, s=s, var_s=var_s, z=z, p=p, trend=trend)
