"""Small statistics helpers: 95 % confidence intervals over replications.

The Student-t interval (:func:`mean_ci`) and :class:`Estimate` live in :mod:`circlesim.stats`
(the package's one t-interval) and are re-exported here; the bootstraps are validation's own.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from ..stats import Estimate, mean_ci

__all__ = ["Estimate", "mean_ci", "cluster_bootstrap_ci", "bootstrap_sums"]


def cluster_bootstrap_ci(groups: Sequence[np.ndarray], statistic: Callable[[list], float],
                         resamples: int = 2000, seed: int = 0, level: float = 0.95) -> Estimate:
    """``statistic`` of pooled data with a percentile bootstrap over replications (clusters).

    ``groups`` holds one item per replication (anything ``statistic`` accepts in a list).
    Resampling whole replications keeps the dependence between members of one run.
    """
    groups = list(groups)
    n = len(groups)
    value = float(statistic(groups))
    if n < 2:
        return Estimate(value, math.nan, math.nan, n)
    rng = np.random.default_rng(seed)
    draws = np.empty(resamples)
    for i in range(resamples):
        pick = rng.integers(0, n, size=n)
        draws[i] = statistic([groups[j] for j in pick])
    draws = draws[np.isfinite(draws)]
    alpha = (1 - level) / 2
    low, high = np.quantile(draws, [alpha, 1 - alpha]) if draws.size else (math.nan, math.nan)
    return Estimate(value, float(low), float(high), n)


def bootstrap_sums(table: np.ndarray, statistic: Callable[[np.ndarray], np.ndarray],
                   resamples: int = 2000, seed: int = 0, level: float = 0.95) -> Estimate:
    """A statistic of column sums of ``table`` (one row per replication), with a percentile
    bootstrap over replications; vectorised, for ratios of counts pooled over runs.

    ``statistic`` maps sums of shape ``(..., k)`` to values of shape ``(...)``.
    """
    table = np.asarray(table, dtype=float)
    n = table.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        value = float(statistic(table.sum(axis=0)))
        if n < 2:
            return Estimate(value, math.nan, math.nan, n)
        rng = np.random.default_rng(seed)
        pick = rng.integers(0, n, size=(resamples, n))
        draws = np.asarray(statistic(table[pick].sum(axis=1)), dtype=float)
    draws = draws[np.isfinite(draws)]
    alpha = (1 - level) / 2
    low, high = np.quantile(draws, [alpha, 1 - alpha]) if draws.size else (math.nan, math.nan)
    return Estimate(value, float(low), float(high), n)
