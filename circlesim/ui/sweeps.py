"""Read sweep results folders (written by ``circlesim sweep``) for the browser's sweep viewer.

Only folders directly inside the configured results directory are offered (environment variable
``CIRCLESIM_RESULTS_DIR``, default ``./results``); a name that resolves anywhere else is refused.
A folder holds ``runs.parquet`` (tidy: run_id, scenario, seed, step, metric and parameter
columns) and ``manifest.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "group_labels",
    "list_sweeps",
    "metric_columns",
    "open_sweep",
    "results_dir",
    "summarise",
    "varying_parameters",
]

ID_COLUMNS = ("run_id", "scenario", "point", "replication", "seed", "step")
MAX_GROUPS = 8  # lines on one chart, beyond which it stops being readable


def results_dir() -> Path:
    return Path(os.environ.get("CIRCLESIM_RESULTS_DIR", "results")).resolve()


def list_sweeps(root: Path | None = None) -> list[str]:
    """Names of the sweep folders in the results directory (empty if there is none yet)."""
    root = (root or results_dir()).resolve()
    if not root.is_dir():
        return []
    names = []
    for child in sorted(root.iterdir()):
        if child.is_dir() and (child / "runs.parquet").is_file() and _inside(child, root):
            names.append(child.name)
    return names


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def open_sweep(name: str, root: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """(runs, manifest) of the sweep folder ``name``; only names that :func:`list_sweeps` lists."""
    root = (root or results_dir()).resolve()
    if name not in list_sweeps(root):
        raise PermissionError(f"{name!r} is not a sweep folder in {root}")
    folder = root / name
    runs = pd.read_parquet(folder / "runs.parquet")
    manifest: dict = {}
    if (folder / "manifest.json").is_file():
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError):
            manifest = {}
    return runs, manifest


def metric_columns(runs: pd.DataFrame) -> list[str]:
    """Numeric columns that vary over time: the metrics (parameter columns are left out)."""
    try:
        from circlesim.parameters import PARAMETERS

        params = set(PARAMETERS)
    except Exception:  # pragma: no cover
        params = set()
    cols = []
    for c in runs.columns:
        if c in ID_COLUMNS or c in params or not pd.api.types.is_numeric_dtype(runs[c]):
            continue
        if pd.api.types.is_bool_dtype(runs[c]):
            continue
        cols.append(c)
    return cols


def varying_parameters(runs: pd.DataFrame) -> list[str]:
    """Parameter columns whose value differs between runs (the swept ones)."""
    from circlesim.parameters import PARAMETERS

    out = []
    by_run = runs.groupby("run_id") if "run_id" in runs.columns else None
    for c in runs.columns:
        if c not in PARAMETERS or c in ID_COLUMNS:
            continue
        try:
            if runs[c].nunique(dropna=False) <= 1:
                continue
            # a parameter is fixed within a run; a column that changes within one is a metric
            if by_run is not None and by_run[c].nunique(dropna=False).max() > 1:
                continue
        except TypeError:  # unhashable values (lists): not a swept number
            continue
        out.append(c)
    return out


def group_labels(runs: pd.DataFrame) -> pd.Series:
    """One label per row: the scenario, plus the swept parameters' values of its grid point."""
    scenario = runs["scenario"].astype(str) if "scenario" in runs.columns else pd.Series(
        "all runs", index=runs.index)
    varying = varying_parameters(runs)
    if not varying:
        return scenario
    parts = [runs[c].map(lambda v, c=c: f"{c}={v:g}" if isinstance(v, float) else f"{c}={v}")
             for c in varying]
    point = parts[0]
    for extra in parts[1:]:
        point = point + ", " + extra
    if scenario.nunique() > 1:
        return scenario + ": " + point
    return point


def summarise(runs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean and 95% confidence interval of ``metric`` per group and step, across runs.

    Groups are the scenarios and grid points (see :func:`group_labels`); the interval is
    mean ± t(0.975, n-1) · sd / sqrt(n) over a group's runs (its replications).
    """
    from scipy import stats

    frame = pd.DataFrame({"group": group_labels(runs), "step": runs["step"],
                          "value": pd.to_numeric(runs[metric], errors="coerce")})
    out = frame.groupby(["group", "step"], sort=True)["value"].agg(["mean", "std", "count"])
    out = out.reset_index()
    n = out["count"].to_numpy(float)
    t = np.where(n > 1, stats.t.ppf(0.975, np.maximum(n - 1, 1)), np.nan)
    half = t * out["std"].to_numpy(float) / np.sqrt(np.maximum(n, 1))
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out
