"""The one Student-t confidence interval of the package (sweep reports, compare, validation, app).

- :func:`t_quantile`: the two-sided t quantile for ``dof`` degrees of freedom (arrays too);
- :func:`half_width`: half-width of the CI of a mean from its standard deviation and count
  (arrays too: one value per day of a time series);
- :func:`mean_ci`: mean of replications with its CI, as an :class:`Estimate` (NaNs dropped);
- :func:`welch_diff`: difference of two means with Welch's CI (unequal variances).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["Estimate", "half_width", "mean_ci", "t_quantile", "welch_diff"]


@dataclass(frozen=True)
class Estimate:
    """A value with a confidence interval and the number of replications behind it."""

    value: float
    low: float
    high: float
    n: int

    @property
    def half(self) -> float:
        """Half-width of the interval (NaN when there is none)."""
        return (self.high - self.low) / 2

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "ci_low": self.low, "ci_high": self.high, "n": self.n}


def t_quantile(dof, level: float = 0.95):
    """Two-sided Student-t quantile ``t_{(1+level)/2, dof}``; NaN where ``dof < 1``."""
    from scipy import stats

    d = np.asarray(dof, dtype=float)
    q = np.where(d >= 1, stats.t.ppf(0.5 + level / 2, np.maximum(d, 1)), np.nan)
    return float(q) if q.ndim == 0 else q


def half_width(std, n, level: float = 0.95):
    """Half-width ``t * std / sqrt(n)`` of the CI of a mean of ``n`` values (NaN if n < 2)."""
    n_arr = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = t_quantile(n_arr - 1, level) * np.asarray(std, dtype=float) / np.sqrt(n_arr)
    h = np.where(n_arr >= 2, h, np.nan)
    return float(h) if h.ndim == 0 else h


def mean_ci(values: Sequence[float], level: float = 0.95) -> Estimate:
    """Mean of per-replication values with a Student-t confidence interval (NaNs dropped)."""
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = half_width(float(x.std(ddof=1)), n, level)
    return Estimate(mean, mean - half, mean + half, n)


def welch_diff(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> Estimate:
    """``mean(b) - mean(a)`` with Welch's t interval (NaNs dropped; NaN interval if either
    side has fewer than 2 values; a zero-width interval when neither varies)."""
    xa = np.asarray(a, dtype=float).ravel()
    xb = np.asarray(b, dtype=float).ravel()
    xa, xb = xa[np.isfinite(xa)], xb[np.isfinite(xb)]
    n = int(min(xa.size, xb.size))
    if xa.size == 0 or xb.size == 0:
        return Estimate(math.nan, math.nan, math.nan, n)
    diff = float(xb.mean() - xa.mean())
    if xa.size < 2 or xb.size < 2:
        return Estimate(diff, math.nan, math.nan, n)
    va, vb = xa.var(ddof=1) / xa.size, xb.var(ddof=1) / xb.size
    se = math.sqrt(va + vb)
    if se == 0:
        return Estimate(diff, diff, diff, n)
    dof = (va + vb) ** 2 / ((va**2 / (xa.size - 1)) + (vb**2 / (xb.size - 1)))
    half = t_quantile(dof, level) * se
    return Estimate(diff, diff - half, diff + half, n)
