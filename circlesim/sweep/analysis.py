"""SALib analysis of a design sweep, written next to the results.

For each scenario and each output (the final-day value of members, mean engagement, unique
reach, cost per member; averaged over replications per design row) this computes Sobol
first-order and total indices (S1, ST, and S2 with second order) or Morris mu, mu*, sigma,
with bootstrap confidence intervals, and writes:

    DIR/sensitivity.csv    tidy: scenario, method, output, parameter, index, value, conf
    DIR/sensitivity.json   the same, nested, plus what was skipped and why
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .seeds import design_seed
from .store import atomic_write_text

OUTPUTS = ("members", "mean_engagement", "unique_reach", "cost_per_member")


def final_values(directory: Path, outputs=OUTPUTS) -> pd.DataFrame:
    """One row per run of the current spec: its last-day values of the outputs."""
    from .report import current_results

    df = current_results(directory, columns=["scenario", "point", "replication", *outputs])
    if df.empty:
        return df
    last = df.groupby("run_id", sort=False)["step"].transform("max")
    return df[df["step"] == last].reset_index(drop=True)


def analyse_design(directory: Path, spec, plan, runs_info: dict) -> dict:
    design = spec.design
    problem = design.problem()
    directory = Path(directory)
    failed = [r.run_id for r in plan if runs_info[r.run_id]["status"] != "done"]
    summary: dict = {"method": design.method, "problem": problem, "rows": design.row_count(),
                     "outputs": {}, "skipped": []}
    if failed:
        summary["status"] = "skipped"
        summary["reason"] = (f"{len(failed)} of {len(plan)} runs did not complete; rerun the sweep "
                             "to retry them, then the indices are computed")
        atomic_write_text(directory / "sensitivity.json", json.dumps(summary, indent=1) + "\n")
        return summary
    finals = final_values(directory)
    outputs = [o for o in OUTPUTS if o in finals.columns]
    X = np.array([[r.overrides[n] for n in problem["names"]] for r in plan
                  if r.replication == 0 and r.scenario == plan[0].scenario], dtype=float)
    rows = []
    seed = design_seed(spec.seed or 0, design.method + "-analysis")
    for scenario, sub in finals.groupby("scenario", sort=False):
        means = sub.groupby("point")[outputs].mean().sort_index()
        for out in outputs:
            Y = means[out].to_numpy(dtype=float)
            label = f"{scenario}/{out}"
            if len(Y) != design.row_count():
                summary["skipped"].append(f"{label}: {len(Y)} rows, expected {design.row_count()}")
                continue
            if not np.all(np.isfinite(Y)):
                summary["skipped"].append(f"{label}: has NaN/inf values")
                continue
            if np.ptp(Y) == 0:
                summary["skipped"].append(f"{label}: constant output, no sensitivity")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if design.method == "sobol":
                    from SALib.analyze import sobol

                    res = sobol.analyze(problem, Y, calc_second_order=design.second_order,
                                        seed=seed)
                    pairs = [("S1", "S1_conf"), ("ST", "ST_conf")]
                else:
                    from SALib.analyze import morris

                    res = morris.analyze(problem, X, Y, num_levels=design.levels, seed=seed)
                    pairs = [("mu", None), ("mu_star", "mu_star_conf"), ("sigma", None)]
            nested = {}
            for i, name in enumerate(problem["names"]):
                for idx, conf in pairs:
                    val = float(np.asarray(res[idx])[i])
                    cval = float(np.asarray(res[conf])[i]) if conf else float("nan")
                    rows.append({"scenario": scenario, "method": design.method, "output": out,
                                 "parameter": name, "index": idx, "value": val, "conf": cval})
                    nested.setdefault(name, {})[idx] = _num(val)
                    if conf:
                        nested[name][conf] = _num(cval)
            if design.method == "sobol" and design.second_order:
                S2 = np.asarray(res["S2"])
                for i, a in enumerate(problem["names"]):
                    for j, b in enumerate(problem["names"]):
                        if j > i:
                            rows.append({"scenario": scenario, "method": "sobol", "output": out,
                                         "parameter": f"{a}:{b}", "index": "S2",
                                         "value": float(S2[i, j]),
                                         "conf": float(np.asarray(res["S2_conf"])[i, j])})
            summary["outputs"][label] = nested
    table = pd.DataFrame(rows, columns=["scenario", "method", "output", "parameter", "index",
                                        "value", "conf"])
    atomic_write_text(directory / "sensitivity.csv", table.to_csv(index=False))
    summary["status"] = "done" if rows else "empty"
    atomic_write_text(directory / "sensitivity.json",
                      json.dumps(summary, indent=1, default=_num) + "\n")
    summary["indices"] = table
    return summary


def _num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f if np.isfinite(f) else None
