"""One simulation for fitting and forecasting, and the summary statistics of a daily history.

Summary statistics (documented in docs/fitting.md): the fitted days are cut into consecutive
weeks (7 days from the first fitted day; a last part shorter than 3 days joins the week before).
For every observed column and week, the statistic is ``log(1 + mean)`` of that column over the
days of the week that the data has (missing days and empty cells are left out, and the
simulation is read on exactly the same days). Weekly means smooth the day-to-day noise of small
counts; ``log(1 + x)`` makes a difference of 10 posts mean more at 5 posts a day than at 500,
the way the noise of counts grows with their size. The distance between a simulation and the
data is the weighted Euclidean distance of these statistics, each weighted by one over its
spread in the current generation of simulations (pyabc's ``AdaptivePNormDistance``; Prangle
2017), so that no column dominates because of its units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import CommunityModel
from .data import DERIVED, History
from .priors import Prior

__all__ = ["Problem", "simulate_frame", "summary_statistics", "week_bins"]

#: Parameters that cannot change in a running model (they shape the market or the member
#: table at day 0); a what-if may not change them.
STRUCTURAL = frozenset({
    "initial_members", "market_size", "friends_mean", "friend_homophily", "topics",
    "topic_spread", "niche_center", "niche_width", "interest_gating", "initial_people",
    "market_graph", "value_window",
})


def week_bins(days: np.ndarray, first: int, last: int) -> list[np.ndarray]:
    """Split the ``days`` within ``[first, last]`` into weeks counted from ``first``."""
    edges = list(range(first, last + 1, 7))
    if len(edges) > 1 and last - edges[-1] + 1 < 3:
        edges.pop()
    bins = []
    for i, start in enumerate(edges):
        stop = edges[i + 1] if i + 1 < len(edges) else last + 1
        bins.append(days[(days >= start) & (days < stop)])
    return bins


def _bin_plan(history: History) -> list[tuple[str, int, np.ndarray]]:
    """(column, week index, days with a value) for every statistic of ``history``."""
    frame = history.frame
    days = frame["day"].to_numpy()
    plan = []
    for col in history.columns:
        have = days[frame[col].notna().to_numpy()]
        for k, week in enumerate(week_bins(have, history.first_day, history.last_day)):
            if week.size:
                plan.append((col, k, week))
    return plan


def summary_statistics(values: dict[str, np.ndarray], plan) -> dict[str, float]:
    """Statistics of a daily series ``values[col][day]`` (indexed by day) under ``plan``."""
    return {f"{col}_w{k}": float(np.log1p(np.mean(values[col][week]))) for col, k, week in plan}


def simulate_frame(params: dict[str, Any], days: int, seed: int, scenario: str | None,
                   change_day: int | None = None, change: dict[str, Any] | None = None,
                   columns=None) -> dict[str, np.ndarray]:
    """Run the model ``days`` days; return ``{column: values by day (0..days)}``.

    ``initial_members`` is clipped to the group cap and the market size (a prior may propose
    a founding circle larger than the group allows). With ``change``, the parameters are
    replaced after day ``change_day`` (the what-if arms: identical up to that day for the same
    seed).
    """
    params = dict(params)
    if "initial_members" in params:
        cap = min(params.get("max_members", 10**9), params.get("market_size", 10**9))
        params["initial_members"] = max(1, min(int(params["initial_members"]), int(cap)))
    model = CommunityModel(scenario=scenario, rng=int(seed), **params)
    if change:
        first = min(int(change_day), days)
        model.run(first)
        model.params = model.params.replace(**change)
        model.run(days - first)
    else:
        model.run(days)
    frame = model.to_frame()
    cols = list(columns) if columns is not None else [c for c in frame.columns if c != "step"]
    return {c: (frame[list(DERIVED[c])].sum(axis=1) if c in DERIVED else frame[c])
            .to_numpy(dtype=float) for c in cols}


@dataclass
class Problem:
    """What is fitted: the data's fitted part, the priors, the fixed settings.

    Calling it with a dict of inference-scale parameters runs one simulation (seeded from
    numpy's global generator, which pyabc seeds per worker) and returns its statistics.
    """

    history: History
    priors: list[Prior]
    fixed: dict[str, Any] = field(default_factory=dict)
    scenario: str | None = "baseline"

    def __post_init__(self):
        self.plan = _bin_plan(self.history)
        self.days = self.history.last_day
        self.columns = self.history.columns

    def observed(self) -> dict[str, float]:
        frame = self.history.frame
        values = {}
        for col in self.columns:
            series = np.full(self.days + 1, np.nan)
            series[frame["day"].to_numpy()] = frame[col].to_numpy()
            values[col] = series
        return summary_statistics(values, self.plan)

    def parameters(self, theta: dict[str, float]) -> dict[str, Any]:
        """Inference-scale ``theta`` -> model parameters (fixed settings included)."""
        values = dict(self.fixed)
        for prior in self.priors:
            values[prior.key] = prior.to_value(float(theta[prior.name]))
        return values

    def __call__(self, theta: dict[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        series = simulate_frame(self.parameters(theta), self.days, seed, self.scenario,
                                columns=self.columns)
        return summary_statistics(series, self.plan)
