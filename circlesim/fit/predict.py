"""Posterior-predictive forecasts, goodness of fit and what-if comparisons.

A forecast draws parameter sets from the posterior (resampled by weight), runs each from day 0
to past the data with its own seed, and takes quantiles across runs day by day: the 50% band
(25th-75th percentile) and the 90% band (5th-95th). The runs carry both kinds of uncertainty:
about the parameters (the posterior) and the group's own chance (the seeds).

A what-if reruns the same draws with the same seeds, changing one lever from the day after the
data ends; because each arm's run is identical up to that day, the differences between arms
are paired (common random numbers) and are due to the lever alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .data import History
from .inference import Posterior
from .simulate import STRUCTURAL, Problem, simulate_frame

__all__ = ["Forecast", "GoodnessOfFit", "WhatIf", "forecast", "goodness_of_fit", "what_if",
           "check_lever"]

#: Outputs every forecast keeps besides the data's own columns (for what-if tables).
KEPT = ("members", "joined", "posts", "replies", "left", "spend_today")
QUANTILES = {"q05": 0.05, "q25": 0.25, "q50": 0.5, "q75": 0.75, "q95": 0.95}


def _path_task(task: dict) -> dict:
    """Worker: one posterior-predictive run (never raises; see sweep executors)."""
    try:
        series = simulate_frame(task["params"], task["days"], task["seed"], task["scenario"],
                                change_day=task.get("change_day"), change=task.get("change"),
                                columns=task["columns"])
        return {"run_id": task["run_id"], "status": "ok",
                "values": np.column_stack([series[c] for c in task["columns"]])}
    except Exception as exc:  # noqa: BLE001 - reported per run, like the sweep worker
        return {"run_id": task["run_id"], "status": "failed",
                "error": f"{type(exc).__name__}: {exc}"}


def _run_paths(problem: Problem, params: list[dict], seeds: list[int], days: int,
               columns: list[str], executor=None, change_day=None, change=None,
               desc: str = "forecast", progress: bool = False) -> np.ndarray:
    from ..sweep.executors import SerialExecutor

    tasks = [{"run_id": i, "params": {**problem.fixed, **p}, "seed": int(s), "days": days,
              "scenario": problem.scenario, "columns": columns, "change_day": change_day,
              "change": change} for i, (p, s) in enumerate(zip(params, seeds))]
    executor = executor or SerialExecutor()
    out = np.full((len(tasks), days + 1, len(columns)), np.nan)
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=len(tasks), unit="run", desc=desc, file=sys.stderr, disable=None,
                   leave=False)
    try:
        for result in executor.map(_path_task, tasks):
            if result["status"] != "ok":
                raise RuntimeError(f"a {desc} run failed: {result.get('error')}")
            out[result["run_id"]] = result["values"]
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return out


@dataclass
class Forecast:
    """Posterior-predictive runs: ``paths[draw, day, column]`` for days 0..``days``."""

    paths: np.ndarray
    columns: list[str]
    params: list[dict]
    seeds: list[int]
    fit_last_day: int
    data_last_day: int

    @property
    def days(self) -> int:
        return self.paths.shape[1] - 1

    def column(self, name: str) -> np.ndarray:
        return self.paths[:, :, self.columns.index(name)]

    def bands(self, columns=None) -> pd.DataFrame:
        """Tidy bands: day, column, q05, q25, q50, q75, q95, part (fit / held out / forecast)."""
        frames = []
        for col in columns or self.columns:
            q = np.quantile(self.column(col), list(QUANTILES.values()), axis=0)
            f = pd.DataFrame({"day": np.arange(self.days + 1), "column": col,
                              **{k: q[i] for i, k in enumerate(QUANTILES)}})
            frames.append(f)
        bands = pd.concat(frames, ignore_index=True)
        bands["part"] = np.where(bands["day"] <= self.fit_last_day, "fitted",
                                 np.where(bands["day"] <= self.data_last_day, "held out",
                                          "forecast"))
        return bands


def forecast(problem: Problem, posterior: Posterior, history: History, horizon: int = 30,
             draws: int = 100, seed: int = 0, executor=None, progress: bool = False
             ) -> Forecast:
    """Posterior-predictive runs from day 0 to ``horizon`` days past the data's last day."""
    rng = np.random.default_rng([seed, 1])
    params = posterior.draw(draws, rng)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=draws)]
    days = history.last_day + int(horizon)
    columns = list(dict.fromkeys([*history.columns, *KEPT]))
    paths = _run_paths(problem, params, seeds, days, columns, executor, progress=progress)
    return Forecast(paths, columns, params, seeds, problem.history.last_day, history.last_day)


@dataclass
class GoodnessOfFit:
    """Per-column coverage and R^2, overall figures and a plain verdict."""

    table: pd.DataFrame
    fitted_cover90: float
    fitted_cover50: float
    held_cover90: float
    held_cover50: float
    held_days: int
    describes: bool
    verdict: str
    lines: list[str] = field(default_factory=list)


def _r2(obs: np.ndarray, pred: np.ndarray) -> float:
    ok = ~np.isnan(obs)
    obs, pred = obs[ok], pred[ok]
    if obs.size < 2 or np.var(obs) == 0:
        return float("nan")
    return float(1 - np.sum((obs - pred) ** 2) / np.sum((obs - obs.mean()) ** 2))


def goodness_of_fit(fc: Forecast, history: History, fit_last_day: int,
                    threshold: float = 0.7) -> GoodnessOfFit:
    """Coverage of the 50% and 90% bands on fitted and held-out days, R^2 of the predictive
    median on fitted days; the fit "describes these data" if at least ``threshold`` of the
    fitted and of the held-out values lie inside the 90% band (nominal 0.9)."""
    frame = history.frame
    rows = []
    tot = {"fit90": [0, 0], "fit50": [0, 0], "held90": [0, 0], "held50": [0, 0]}
    for col in history.columns:
        paths = fc.column(col)
        q05, q25, q50, q75, q95 = np.quantile(paths, list(QUANTILES.values()), axis=0)
        days = frame["day"].to_numpy()
        obs = frame[col].to_numpy()
        ok = ~np.isnan(obs)
        row = {"column": col}
        for part, mask in (("fitted", ok & (days <= fit_last_day)),
                           ("held_out", ok & (days > fit_last_day))):
            d, o = days[mask], obs[mask]
            in90 = (o >= q05[d]) & (o <= q95[d])
            in50 = (o >= q25[d]) & (o <= q75[d])
            row[f"{part}_days"] = int(mask.sum())
            row[f"{part}_cover90"] = float(in90.mean()) if mask.any() else float("nan")
            row[f"{part}_cover50"] = float(in50.mean()) if mask.any() else float("nan")
            key = "fit" if part == "fitted" else "held"
            tot[key + "90"][0] += int(in90.sum())
            tot[key + "90"][1] += int(mask.sum())
            tot[key + "50"][0] += int(in50.sum())
            tot[key + "50"][1] += int(mask.sum())
        fit_mask = ok & (days <= fit_last_day)
        row["fitted_r2"] = _r2(obs[fit_mask], q50[days[fit_mask]])
        rows.append(row)
    share = {k: (a / n if n else float("nan")) for k, (a, n) in tot.items()}
    held_days = tot["held90"][1]
    table = pd.DataFrame(rows)
    lines = []
    fit_ok = share["fit90"] >= threshold
    held_ok = held_days == 0 or share["held90"] >= threshold
    describes = bool(fit_ok and held_ok)
    fitted_txt = f"{share['fit90']:.0%} of the fitted values lie inside the 90% band"
    if held_days:
        held_txt = (f"{share['held90']:.0%} of the {held_days} held-out values lie inside the "
                    f"90% band and {share['held50']:.0%} inside the 50% band")
    else:
        held_txt = "no held-out days (use --fit-days to hold some out and test the forecast)"
    if describes:
        verdict = (f"The fit describes these data: {fitted_txt}; {held_txt} "
                   f"(nominal 90% and 50%).")
    else:
        verdict = (f"The fit does not describe these data: {fitted_txt}; {held_txt} (nominal "
                   f"90% and 50%; at least {threshold:.0%} needed inside the 90% band); do not "
                   f"trust its forecast or its what-ifs.")
    for r in rows:
        if r["fitted_r2"] == r["fitted_r2"] and r["fitted_r2"] < 0:
            lines.append(f"{r['column']}: R^2 {r['fitted_r2']:.2f} on the fitted days: the "
                         f"predictive median follows this column worse than its own mean.")
    return GoodnessOfFit(table, share["fit90"], share["fit50"], share["held90"],
                         share["held50"], held_days, describes, verdict, lines)


def check_lever(key: str) -> None:
    from ..parameters import ParameterError

    if key in STRUCTURAL:
        raise ParameterError(key, f"--what-if {key}: cannot change in a running group (it "
                                  f"shapes the market or the member table at day 0); levers "
                                  f"are e.g. answer_capacity, organiser_posts, pruning, "
                                  f"seeding_budget")


@dataclass
class WhatIf:
    """Forecasts of several arms (``baseline`` first) from the same draws and seeds."""

    arms: dict[str, np.ndarray]  # arm -> paths[draw, day, column]
    columns: list[str]
    change_day: int
    table: pd.DataFrame


METRICS = {
    "members_at_end": ("members", "last"),
    "joined": ("joined", "sum"),
    "left": ("left", "sum"),
    "posts": ("posts", "sum"),
    "replies": ("replies", "sum"),
    "spend": ("spend_today", "sum"),
}


def what_if(problem: Problem, fc: Forecast, changes: list[tuple[str, dict[str, Any]]],
            executor=None, progress: bool = False) -> WhatIf:
    """Rerun the forecast's draws and seeds with each change applied from the day after the
    data; compare arms on members at the end and totals over the forecast days, with the paired
    difference to the baseline (median and 90% interval across draws, and the share of draws
    in which the lever raises the metric)."""
    for _, change in changes:
        for key in change:
            check_lever(key)
    start = fc.data_last_day
    arms = {"baseline": fc.paths}
    for label, change in changes:
        arms[label] = _run_paths(problem, fc.params, fc.seeds, fc.days, fc.columns, executor,
                                 change_day=start, change=change, desc=label,
                                 progress=progress)
    rows = []
    base_values = {}
    for arm, paths in arms.items():
        for metric, (col, how) in METRICS.items():
            x = paths[:, :, fc.columns.index(col)]
            v = x[:, -1] if how == "last" else x[:, start + 1:].sum(axis=1)
            if arm == "baseline":
                base_values[metric] = v
            d = v - base_values[metric]
            rows.append({"arm": arm, "metric": metric, "median": float(np.median(v)),
                         "low90": float(np.quantile(v, 0.05)),
                         "high90": float(np.quantile(v, 0.95)),
                         "diff_median": float(np.median(d)),
                         "diff_low90": float(np.quantile(d, 0.05)),
                         "diff_high90": float(np.quantile(d, 0.95)),
                         "share_higher": float(np.mean(d > 0))})
    return WhatIf(arms, fc.columns, start, pd.DataFrame(rows))
