"""Known-truth check of the whole fitting pipeline (simulation-based calibration, in small).

Each replicate simulates a group with known parameters and its own seed, fits two of them to
the first ``fit_days`` days by ABC-SMC, and forecasts the held-out days. If the pipeline is
right, the true value lies inside the 90% credible interval in about 90% of replicates or more
(ABC with a tolerance above zero is conservative: its posterior is wider than the exact one),
and the held-out days fall inside the forecast's 90% band at about that rate.

Run it in full with ``python -m circlesim.fit.calibration --replicates 20``; the test suite runs
the quick mode (small groups, short histories, few particles).
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np
import pandas as pd

from .data import history_from_frame
from .inference import run_abc
from .predict import forecast, goodness_of_fit
from .priors import make_priors
from .simulate import Problem, simulate_frame

__all__ = ["KNOWN_TRUTH", "QUICK", "FIXED", "known_truth_fit", "run_known_truth"]

#: Fixed settings of the known-truth group (a small growing group, cheap to simulate).
FIXED = {"market_size": 300, "friends_mean": 20, "max_members": 80, "initial_members": 10,
         "share_probability": 0.5, "reach_probability": 0.3}
#: The true values of the two fitted parameters.
KNOWN_TRUTH = {"join_probability": 0.2, "post_rate": 0.05}
#: Priors of the check (narrower than the defaults, to keep the quick mode cheap).
PRIORS = {"join_probability": (0.02, 0.5), "post_rate": (0.005, 0.3)}
COLUMNS = ["members", "joined", "posts", "replies"]
#: Quick mode for the test suite.
QUICK = {"days": 30, "fit_days": 21, "particles": 30, "generations": 2, "draws": 30}
FULL = {"days": 60, "fit_days": 42, "particles": 100, "generations": 4, "draws": 60}


def known_truth_fit(task: dict) -> dict:
    """One replicate (a worker function: never raises)."""
    try:
        c0 = time.process_time()
        seed = int(task["seed"])
        cfg = task["config"]
        truth = {**FIXED, **KNOWN_TRUTH}
        series = simulate_frame(truth, cfg["days"] - 1, 10_000 + seed, "baseline",
                                columns=COLUMNS)
        history = history_from_frame(pd.DataFrame({"day": np.arange(cfg["days"]), **series}))
        fitted, _ = history.split(cfg["fit_days"])
        priors = make_priors(list(KNOWN_TRUTH), PRIORS)
        problem = Problem(fitted, priors, fixed=dict(FIXED))
        with tempfile.TemporaryDirectory() as out:
            post = run_abc(problem, out, particles=cfg["particles"],
                           generations=cfg["generations"], workers=1, seed=seed,
                           progress=False)
        fc = forecast(problem, post, history, horizon=0, draws=cfg["draws"], seed=seed)
        g = goodness_of_fit(fc, history, fitted.last_day)
        row = {"run_id": task["run_id"], "status": "ok", "seed": seed,
               "simulations": post.simulations, "held_cover90": g.held_cover90,
               "held_cover50": g.held_cover50, "held_values": g.held_days,
               "fitted_cover90": g.fitted_cover90}
        for p in priors:
            lo, hi = post.interval(p.key)
            row[f"{p.key}_low90"], row[f"{p.key}_high90"] = lo, hi
            row[f"{p.key}_inside"] = bool(lo <= KNOWN_TRUTH[p.key] <= hi)
            # width of the interval as a share of the prior's width, on the inference scale
            row[f"{p.key}_width"] = ((p.to_scale(hi) - p.to_scale(lo))
                                     / (p.bounds[1] - p.bounds[0]))
        row["cpu_seconds"] = time.process_time() - c0
        return row
    except Exception as exc:  # noqa: BLE001
        return {"run_id": task["run_id"], "status": "failed",
                "error": f"{type(exc).__name__}: {exc}"}


def run_known_truth(replicates: int = 10, config: dict | None = None, workers: int = 2,
                    first_seed: int = 0) -> pd.DataFrame:
    """``replicates`` known-truth fits on ``workers`` processes; one row per replicate."""
    from ..sweep.executors import make_executor

    cfg = dict(config or QUICK)
    tasks = [{"run_id": i, "seed": first_seed + i, "config": cfg} for i in range(replicates)]
    executor = make_executor(workers=workers)
    try:
        rows = list(executor.map(known_truth_fit, tasks))
    finally:
        executor.close()
    failed = [r for r in rows if r["status"] != "ok"]
    if failed:
        raise RuntimeError(f"known-truth fit failed: {failed[0]['error']}")
    return pd.DataFrame(rows).sort_values("run_id").reset_index(drop=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the test suite's quick mode")
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    table = run_known_truth(args.replicates, QUICK if args.quick else FULL, args.workers)
    wall = time.monotonic() - t0
    with pd.option_context("display.width", 160, "display.max_columns", 30):
        print(table.drop(columns=["status", "run_id"]).round(3).to_string(index=False))
    for key in KNOWN_TRUTH:
        print(f"{key}: truth inside the 90% interval in {table[f'{key}_inside'].mean():.0%} of "
              f"{len(table)} fits; mean interval width {table[f'{key}_width'].mean():.0%} of "
              f"the prior")
    print(f"held-out values inside the forecast's 90% band: {table['held_cover90'].mean():.0%},"
          f" inside the 50% band: {table['held_cover50'].mean():.0%}")
    print(f"wall {wall:.0f} s on {args.workers} workers; CPU per fit "
          f"{table['cpu_seconds'].mean():.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
