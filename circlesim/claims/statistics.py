"""Statistics for claims: paired effects, the robustness sample, its share, what decides it.

- :func:`paired_effect`: mean of paired differences ``b - a`` with a 95 % Student-t interval
  (``circlesim.stats.mean_ci``, the project's one t-interval).
- :func:`wilson`: Wilson score interval of a share (Wilson 1927), for the share of the
  parameter space where a claim's direction holds.
- :func:`latin_hypercube`: a seeded Latin-hypercube sample of plausible ranges (McKay, Beckman
  & Conover 1979; ``scipy.stats.qmc``), reproducible from its seed.
- :func:`first_order_importance`: the share of the effect's variance explained by each
  parameter alone, ``Var(E[Y | X_j]) / Var(Y)`` (the first-order Sobol index), estimated from
  any sample by the correlation ratio over quantile bins, with a small-sample correction.
- :func:`find_condition`: a shallow (one- or two-split) search for the largest region of the
  space where the direction holds in at least 90 % of the points, in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Condition",
    "find_condition",
    "first_order_importance",
    "latin_hypercube",
    "paired_effect",
    "point_seed",
    "wilson",
]


def paired_effect(a, b, level: float = 0.95) -> dict:
    """Mean paired difference ``b - a`` (pairs with a NaN dropped) with its t-interval."""
    from circlesim.stats import mean_ci

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    est = mean_ci(b[ok] - a[ok], level=level)
    return {
        "effect": est.value,
        "ci": [est.low, est.high],
        "n": int(est.n),
        "mean_a": float(a[ok].mean()) if ok.any() else math.nan,
        "mean_b": float(b[ok].mean()) if ok.any() else math.nan,
    }


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a binomial share (default 95 %)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def point_seed(root: int, label: str) -> int:
    """A 32-bit seed from a root seed and a label (stable across platforms)."""
    import hashlib

    words = hashlib.blake2b(label.encode(), digest_size=8).digest()
    key = (int.from_bytes(words[:4], "little"), int.from_bytes(words[4:], "little"))
    return int(np.random.SeedSequence(int(root), spawn_key=key).generate_state(1)[0])


def latin_hypercube(ranges: dict[str, tuple[float, float]], n: int, seed: int,
                    integers: frozenset[str] | set[str] = frozenset()) -> list[dict]:
    """``n`` points of a Latin hypercube over ``ranges`` (integers rounded), reproducible."""
    from scipy.stats import qmc

    names = list(ranges)
    if not names:
        return [{} for _ in range(n)]
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(n)
    points = []
    for row in unit:
        point = {}
        for name, u in zip(names, row):
            lo, hi = ranges[name]
            if name in integers:
                # equal-width cells for each whole number from lo to hi
                value = int(min(math.floor(lo + u * (hi - lo + 1)), hi))
            else:
                value = float(lo + u * (hi - lo))
            point[name] = value
        points.append(point)
    return points


def first_order_importance(X: np.ndarray, y: np.ndarray, names: list[str],
                           bins: int | None = None) -> list[dict]:
    """First-order variance share of ``y`` per column of ``X``, largest first.

    Each column is cut into ``bins`` quantile bins; ``eta^2 = SS_between / SS_total``, minus
    its expectation under no effect, ``(bins - 1) / (n - 1)``, clipped to [0, 1].
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y)
    X, y = X[ok], y[ok]
    n = y.size
    out = []
    if n < 16 or np.ptp(y) == 0:  # too few points to say anything: no importance
        return [{"name": name, "importance": 0.0} for name in names]
    bins = bins or max(2, min(10, n // 16))
    total = float(((y - y.mean()) ** 2).sum())
    for j, name in enumerate(names):
        x = X[:, j]
        ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable")
        group = (ranks * bins) // n
        between = 0.0
        used = 0
        for g in range(bins):
            sel = group == g
            if sel.any():
                used += 1
                between += sel.sum() * (y[sel].mean() - y.mean()) ** 2
        eta2 = between / total
        value = eta2 - (used - 1) / (n - 1) * (1 - eta2)
        out.append({"name": name, "importance": float(min(1.0, max(0.0, value)))})
    out.sort(key=lambda d: -d["importance"])
    return out


@dataclass(frozen=True)
class Condition:
    """A region ``rules`` (each ``(name, op, threshold)``) where the direction mostly holds."""

    rules: tuple[tuple[str, str, float], ...]
    share: float  # share of points in the region where the direction holds
    coverage: float  # share of all points inside the region
    points: int

    def text(self, fmt=None) -> str:
        fmt = fmt or _fmt
        return " and ".join(f"{name} {op} {fmt(name, t)}" for name, op, t in self.rules)

    def as_dict(self) -> dict:
        return {"rules": [{"parameter": n, "op": o, "threshold": t} for n, o, t in self.rules],
                "share": self.share, "coverage": self.coverage, "points": self.points}

    def contains(self, X: np.ndarray, names: list[str]) -> np.ndarray:
        inside = np.ones(len(X), dtype=bool)
        for name, op, t in self.rules:
            x = X[:, names.index(name)]
            inside &= (x > t) if op == ">" else (x <= t)
        return inside


def _fmt(name: str, value: float) -> str:
    return f"{value:.3g}"


def _wilson_lower(h: np.ndarray, k: np.ndarray, z: float = 1.959963984540054) -> np.ndarray:
    p = h / k
    den = 1 + z * z / k
    centre = (p + z * z / (2 * k)) / den
    half = z * np.sqrt(p * (1 - p) / k + z * z / (4 * k * k)) / den
    return np.maximum(0.0, centre - half)


def _splits(x: np.ndarray, holds: np.ndarray, region: np.ndarray):
    """Every threshold of ``x`` inside ``region``: (threshold, op, points, holding) arrays for
    the sides ``x <= t`` and ``x > t`` (vectorised over the sorted values)."""
    xs = x[region]
    hs = holds[region].astype(float)
    order = np.argsort(xs, kind="stable")
    xs, hs = xs[order], hs[order]
    K = xs.size
    if K < 2:
        return []
    cum = np.cumsum(hs)
    i = np.flatnonzero(xs[1:] > xs[:-1]) + 1  # split between positions i-1 and i
    if i.size == 0:
        return []
    t = (xs[i - 1] + xs[i]) / 2
    left_h = cum[i - 1]
    return [("<=", t, i.astype(float), left_h), (">", t, (K - i).astype(float), cum[-1] - left_h)]


def find_condition(X: np.ndarray, holds: np.ndarray, names: list[str], target: float = 0.9,
                   min_coverage: float = 0.2, depth: int = 2, min_lower: float = 0.75,
                   holdout: bool = True) -> Condition | None:
    """The largest region (one split, or two nested) where ``holds`` is true in >= ``target``
    of its points, covering at least ``min_coverage`` of all points, and whose share of
    holding points is clearly above the rest's: its Wilson 95% lower bound exceeds the share
    outside and ``min_lower``. None if no such region exists.

    With ``holdout`` (the default) the region is searched on every other point only and kept
    only if the points it has not seen confirm it: the share of them holding inside it is
    clearly above the share outside (its Wilson 95% lower bound exceeds that) and consistent
    with ``min_lower`` (its upper bound reaches it; the largest region at ``target`` is an
    optimistic pick, so an unseen half falls short of ``target`` itself even for a real one).
    Two nested splits over some twenty parameters are thousands of candidate regions: in 256
    noisy points some pass any in-sample test by chance (the full atlas once named
    ``media_cpm``, which cannot touch complaints, as the condition for rapid response). The
    share and coverage returned are over all points.
    """
    X = np.asarray(X, dtype=float)
    holds = np.asarray(holds, dtype=bool)
    if not holdout:
        return _search_condition(X, holds, names, target, min_coverage, depth, min_lower)
    seen = np.arange(holds.size) % 2 == 0
    found = _search_condition(X[seen], holds[seen], names, target, min_coverage, depth,
                              min_lower)
    if found is None:
        return None
    unseen_x, unseen_holds = X[~seen], holds[~seen]
    inside = found.contains(unseen_x, names)
    k, h = int(inside.sum()), int(unseen_holds[inside].sum())
    if k < 5:
        return None
    outside = float(unseen_holds[~inside].mean()) if (~inside).any() else 0.0
    lower, upper = wilson(h, k)
    if upper < min_lower or lower <= outside:
        return None
    # confirmed: its thresholds are drawn again from all the points (twice the data, so they
    # are sharper), unless all the points would name other parameters
    refit = _search_condition(X, holds, names, target, min_coverage, depth, min_lower)
    if refit is not None and [r[:2] for r in refit.rules] == [r[:2] for r in found.rules]:
        return refit
    everywhere = found.contains(X, names)
    return Condition(found.rules, float(holds[everywhere].mean()), float(everywhere.mean()),
                     int(everywhere.sum()))


def _search_condition(X: np.ndarray, holds: np.ndarray, names: list[str], target: float,
                      min_coverage: float, depth: int, min_lower: float) -> Condition | None:
    """:func:`find_condition`'s search, on the points given (arrays already converted there),
    without a holdout."""
    n = holds.size
    if n == 0 or not names:
        return None
    H = float(holds.sum())
    min_points = max(5, int(math.ceil(min_coverage * n)))
    best = None  # (coverage, share, -rules, rules)

    def scan(region: np.ndarray, prefix: tuple, skip: str | None):
        nonlocal best
        found = []
        for j, name in enumerate(names):
            if name == skip:
                continue
            for op, t, k, h in _splits(X[:, j], holds, region):
                ok = k >= min_points
                if not ok.any():
                    continue
                t, k, h = t[ok], k[ok], h[ok]
                share = h / k
                rest = np.where(n - k > 0, (H - h) / np.maximum(n - k, 1), 0.0)
                lower = _wilson_lower(h, k)
                good = (share >= target) & (lower > rest) & (lower >= min_lower)
                for idx in np.flatnonzero(good):
                    key = (k[idx] / n, share[idx], -(len(prefix) + 1))
                    if best is None or key > best[:3]:
                        best = (*key, prefix + ((name, op, float(t[idx])),), int(k[idx]))
                found.extend((float(sh), name, op, float(tt))
                             for sh, tt in zip(share, t))
        return found

    first = scan(np.ones(n, dtype=bool), (), None)
    if depth >= 2 and best is None:
        # refine the most promising first splits (highest share with enough points)
        first.sort(key=lambda r: -r[0])
        for _, name, op, t in first[:40]:
            x = X[:, names.index(name)]
            region = (x > t) if op == ">" else (x <= t)
            scan(region, ((name, op, t),), name)
    if best is None:
        return None
    coverage, share, _, rules, k = best
    return Condition(tuple(rules), float(share), float(coverage), k)
