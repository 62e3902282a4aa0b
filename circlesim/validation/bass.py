"""The Bass (1969) diffusion model: closed form, fitting, and the discrete recursion.

``F(t) = (1 - exp(-(p+q) t)) / (1 + (q/p) exp(-(p+q) t))`` is the share of the potential
``m`` that has adopted by time ``t``, with innovation ``p`` and imitation ``q`` (per unit of
time). The curve is S-shaped (has an inflection at ``t* = ln(q/p) / (p+q) > 0``) when ``q > p``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["BassFit", "bass_cdf", "fit_bass", "bass_inflection"]


def bass_cdf(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Closed-form Bass cumulative adoption share ``F(t)``."""
    t = np.asarray(t, dtype=float)
    decay = np.exp(-(p + q) * t)
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def bass_inflection(p: float, q: float) -> float:
    """Time of the peak adoption rate, ``ln(q/p)/(p+q)``; 0 when ``q <= p`` (no S-shape)."""
    if q <= p:
        return 0.0
    return math.log(q / p) / (p + q)


@dataclass(frozen=True)
class BassFit:
    """Bass parameters fitted to a cumulative adoption curve (time unit: one step)."""

    p: float
    q: float
    m: float
    r2: float
    offset: float

    @property
    def inflection(self) -> float:
        return bass_inflection(self.p, self.q)

    def curve(self, t: np.ndarray) -> np.ndarray:
        return self.offset + self.m * bass_cdf(t, self.p, self.q)


def fit_bass(t: np.ndarray, cumulative: np.ndarray, offset: float = 0.0,
             start: tuple[float, float, float] | None = None) -> BassFit:
    """Least-squares fit of ``cumulative(t) = offset + m F(t; p, q)`` (scipy ``curve_fit``).

    ``offset`` is the adoption already there at ``t = 0`` (the founding members), which the
    Bass curve (``F(0) = 0``) does not include. Several starting points are tried and the best
    fit (smallest squared error) is kept, because the Bass likelihood surface is flat in ``m``
    before the inflection. With ``start`` (p, q, m, e.g. a previous fit) only that starting
    point is tried first, and the grid only if it fails (fast bootstrap refits).
    """
    from scipy.optimize import curve_fit

    t = np.asarray(t, dtype=float)
    y = np.asarray(cumulative, dtype=float) - offset
    top = max(float(y.max()), 1.0)

    def model(tt, log_p, log_q, m):
        return m * bass_cdf(tt, math.exp(log_p), math.exp(log_q))

    best = None
    span = max(float(t.max()), 1.0)
    starts = [(q0 / ratio, q0, m0) for q0 in (2.0 / span, 5.0 / span, 15.0 / span)
              for ratio in (100.0, 10.0) for m0 in (1.05 * top, 2.0 * top)]
    if start is not None and all(math.isfinite(v) and v > 0 for v in start):
        starts.insert(0, start)
    low, high = [-20.0, -20.0, top * 0.5], [2.0, 3.0, top * 100.0]
    for i, (p0, q0, m0) in enumerate(starts):
        if i > 0 and start is not None and best is not None:
            break  # the warm start worked
        guess = (min(max(math.log(p0), low[0]), high[0]), min(max(math.log(q0), low[1]),
                 high[1]), min(max(m0, low[2] * 1.0001), high[2] * 0.9999))
        try:
            params, _ = curve_fit(model, t, y, p0=guess, bounds=(low, high), maxfev=20000)
        except (RuntimeError, ValueError):
            continue
        sse = float(((model(t, *params) - y) ** 2).sum())
        if best is None or sse < best[0]:
            best = (sse, params)
    if best is None:
        return BassFit(math.nan, math.nan, math.nan, math.nan, offset)
    sse, (log_p, log_q, m) = best
    sst = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - sse / sst if sst > 0 else math.nan
    return BassFit(math.exp(log_p), math.exp(log_q), float(m), r2, offset)
