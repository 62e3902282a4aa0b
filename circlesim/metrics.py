"""Summary statistics used by the daily outputs. Pure functions over arrays."""

from __future__ import annotations

import numpy as np

__all__ = ["distinct_count", "first_occurrence", "gini", "degree_centralization", "entropy_bits", "participation_split", "top_share"]


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, towards 1 = one holds all).

    ``G = sum_i (2i - n - 1) x_(i) / (n sum x)`` with ``x_(i)`` sorted ascending.
    Returns 0 for an empty or all-zero input.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(np.dot(2 * i - n - 1, x) / (n * total))


def degree_centralization(degrees: np.ndarray) -> float:
    """Freeman degree centralization of a graph with the given node degrees.

    ``C = sum_i (d_max - d_i) / ((n - 1)(n - 2))``: 1 for a star, 0 when all degrees are
    equal (Freeman 1978). Returns 0 for fewer than three nodes.
    """
    d = np.asarray(degrees, dtype=float)
    n = d.size
    if n < 3:
        return 0.0
    return float((d.max() * n - d.sum()) / ((n - 1) * (n - 2)))


def entropy_bits(counts: np.ndarray) -> float:
    """Shannon entropy in bits of a histogram; 0 for an empty one."""
    c = np.asarray(counts, dtype=float)
    total = c.sum()
    if total <= 0:
        return 0.0
    p = c[c > 0] / total
    return float(-(p * np.log2(p)).sum())


def participation_split(posts: np.ndarray, tenure_days: np.ndarray) -> tuple[float, float, float]:
    """Shares of lurkers, contributors and heavy contributors (Nielsen's 90-9-1).

    Lurkers never posted; heavy contributors posted at least once a week of membership on
    average (and at least twice); contributors are the rest.
    """
    n = posts.size
    if n == 0:
        return 0.0, 0.0, 0.0
    lurker = posts == 0
    heavy = (posts >= 2) & (posts * 7 >= np.maximum(tenure_days, 1))
    return float(lurker.mean()), float((~lurker & ~heavy).mean()), float(heavy.mean())


def top_share(values: np.ndarray, fraction: float = 0.01) -> float:
    """Share of the total held by the top ``fraction`` of holders (at least one holder)."""
    x = np.asarray(values, dtype=float)
    total = x.sum()
    if x.size == 0 or total <= 0:
        return 0.0
    k = max(1, int(np.ceil(fraction * x.size)))
    return float(np.partition(x, x.size - k)[x.size - k:].sum() / total)


def distinct_count(values: np.ndarray) -> int:
    """Number of distinct values (sorting beats ``np.unique``'s hashing on small int arrays)."""
    if values.size == 0:
        return 0
    x = np.sort(values)
    return int(np.count_nonzero(x[1:] != x[:-1]) + 1)


def first_occurrence(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (sorted) and the index of the first occurrence of each."""
    order = np.argsort(values, kind="stable")
    x = values[order]
    start = np.concatenate(([True], x[1:] != x[:-1]))
    return x[start], order[start]
