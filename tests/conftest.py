"""Shared helpers for the core tests."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from circlesim import CommunityModel

#: Replications for every stochastic claim (issue: at least 20).
REPLICATIONS = 20


@functools.lru_cache(maxsize=None)
def _replicate(days: int, items: tuple, reps: int, scenario: str) -> pd.DataFrame:
    rows = []
    for seed in range(reps):
        model = CommunityModel(scenario=scenario, rng=1000 + seed, **dict(items))
        model.run(days)
        frame = model.to_frame()
        frame["seed"] = seed
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def replicate(days: int = 150, reps: int = REPLICATIONS, scenario: str = "baseline",
              **params) -> pd.DataFrame:
    """Daily tables of ``reps`` seeded runs (seed column added), cached per arm."""
    return _replicate(days, tuple(sorted(params.items())), reps, scenario).copy()


def final(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Per-replication value of ``column`` on the last day."""
    last = frame.groupby("seed")["step"].transform("max") == frame["step"]
    return frame.loc[last, column].to_numpy(dtype=float)


def window_mean(frame: pd.DataFrame, column: str, start: int, stop: int) -> np.ndarray:
    """Per-replication mean of ``column`` over days ``start`` to ``stop - 1``."""
    part = frame[(frame["step"] >= start) & (frame["step"] < stop)]
    return part.groupby("seed")[column].mean().to_numpy(dtype=float)
