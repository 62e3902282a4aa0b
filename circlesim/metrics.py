"""Summary statistics used by the daily outputs. Pure functions over arrays.

Each statistic is written once, as a compiled function (``_name``) that the daily record
(``outputs.day_statistics``) calls inside its single pass, with a plain wrapper for Python
callers.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["distinct_count", "first_occurrence", "gini", "degree_centralization", "entropy_bits",
           "participation_split", "top_share"]


@njit(cache=True)
def gini_sorted(x):
    """Gini of values sorted ascending: ``G = sum_i (2i - n - 1) x_(i) / (n sum x)``."""
    n = x.shape[0]
    total = 0.0
    weighted = 0.0
    for i in range(n):
        total += x[i]
        weighted += (2.0 * (i + 1) - n - 1.0) * x[i]
    if n == 0 or total <= 0:
        return 0.0
    return weighted / (n * total)


@njit(cache=True)
def top_share_sorted(x, fraction):
    """Share of the total held by the top ``fraction`` (at least one) of values sorted
    ascending."""
    n = x.shape[0]
    total = 0.0
    for i in range(n):
        total += x[i]
    if n == 0 or total <= 0:
        return 0.0
    k = max(1, int(math.ceil(fraction * n)))
    top = 0.0
    for i in range(n - k, n):
        top += x[i]
    return top / total


@njit(cache=True)
def centralization_of(d):
    """Freeman degree centralization ``C = sum_i (d_max - d_i) / ((n - 1)(n - 2))``."""
    n = d.shape[0]
    if n < 3:
        return 0.0
    top = d[0]
    total = 0.0
    for i in range(n):
        top = max(top, d[i])
        total += d[i]
    return (top * n - total) / ((n - 1.0) * (n - 2.0))


@njit(cache=True)
def entropy_of(c):
    """Shannon entropy in bits of a histogram; 0 for an empty one."""
    total = 0.0
    for i in range(c.shape[0]):
        total += c[i]
    if total <= 0:
        return 0.0
    h = 0.0
    for i in range(c.shape[0]):
        if c[i] > 0:
            p = c[i] / total
            h -= p * math.log2(p)
    return h


@njit(cache=True)
def is_heavy(posts, tenure_days):
    """A heavy contributor posted at least twice and at least once a week of membership."""
    return posts >= 2 and posts * 7 >= max(tenure_days, 1)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, towards 1 = one holds all).

    ``G = sum_i (2i - n - 1) x_(i) / (n sum x)`` with ``x_(i)`` sorted ascending.
    Returns 0 for an empty or all-zero input.
    """
    return float(gini_sorted(np.sort(np.asarray(values, dtype=float))))


def degree_centralization(degrees: np.ndarray) -> float:
    """Freeman degree centralization of a graph with the given node degrees.

    ``C = sum_i (d_max - d_i) / ((n - 1)(n - 2))``: 1 for a star, 0 when all degrees are
    equal (Freeman 1978). Returns 0 for fewer than three nodes.
    """
    return float(centralization_of(np.asarray(degrees, dtype=float)))


def entropy_bits(counts: np.ndarray) -> float:
    """Shannon entropy in bits of a histogram; 0 for an empty one."""
    return float(entropy_of(np.asarray(counts, dtype=float)))


def participation_split(posts: np.ndarray, tenure_days: np.ndarray) -> tuple[float, float, float]:
    """Shares of lurkers, contributors and heavy contributors (Nielsen's 90-9-1).

    Lurkers never posted; heavy contributors posted at least once a week of membership on
    average (and at least twice); contributors are the rest.
    """
    posts = np.asarray(posts)
    n = posts.size
    if n == 0:
        return 0.0, 0.0, 0.0
    lurker = posts == 0
    heavy = (posts >= 2) & (posts * 7 >= np.maximum(tenure_days, 1))
    return float(lurker.mean()), float((~lurker & ~heavy).mean()), float(heavy.mean())


def top_share(values: np.ndarray, fraction: float = 0.01) -> float:
    """Share of the total held by the top ``fraction`` of holders (at least one holder)."""
    return float(top_share_sorted(np.sort(np.asarray(values, dtype=float)), fraction))


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
