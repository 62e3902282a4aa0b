"""Read sweep results folders (written by ``circlesim sweep``) for the browser's sweep viewer.

Only folders directly inside the configured results directory are offered (environment variable
``CIRCLESIM_RESULTS_DIR``, default ``./results``); a name that resolves anywhere else is refused.
A folder holds ``runs.parquet`` (tidy: run_id, scenario, seed, step, metric and parameter
columns) and ``manifest.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "SweepInfo",
    "describe",
    "group_labels",
    "list_sweeps",
    "metric_columns",
    "open_sweep",
    "read_sweep",
    "results_dir",
    "summarise",
    "varying_parameters",
]

from circlesim.sweep.store import ID_COLUMNS as _RUN_IDS  # noqa: E402 - the one set of ids

ID_COLUMNS = (*_RUN_IDS, *(c for c in ("step",) if c not in _RUN_IDS))
MAX_GROUPS = 8  # lines on one chart, beyond which it stops being readable
#: Most rows the viewer reads from one folder (``$CIRCLESIM_UI_SWEEP_MAX_ROWS``); beyond it the
#: chart shows the first rows and says so. With a handful of columns this stays ~50 MB.
MAX_ROWS = 1_000_000


def max_rows() -> int:
    try:
        value = int(os.environ.get("CIRCLESIM_UI_SWEEP_MAX_ROWS", MAX_ROWS))
    except ValueError:
        return MAX_ROWS
    return value if value > 0 else MAX_ROWS


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


@dataclass(frozen=True)
class SweepInfo:
    """What a folder's runs.parquet holds, from its footer alone (no rows read)."""

    columns: tuple[str, ...]
    metrics: list[str]
    rows: int


def _is_parameter(name: str, params) -> bool:
    return name in params or name.startswith("param_")


def _parameters() -> set:
    try:
        from circlesim.parameters import PARAMETERS

        return set(PARAMETERS)
    except Exception:  # pragma: no cover
        return set()


def describe(name: str, root: Path | None = None) -> SweepInfo:
    """Columns, metric columns and row count of sweep ``name``, read from the Parquet footer."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = (root or results_dir()).resolve()
    if name not in list_sweeps(root):
        raise PermissionError(f"{name!r} is not a sweep folder in {root}")
    meta = pq.ParquetFile(root / name / "runs.parquet")
    schema = meta.schema_arrow
    params = _parameters()
    metrics = [f.name for f in schema
               if f.name not in ID_COLUMNS and not _is_parameter(f.name, params)
               and (pa.types.is_integer(f.type) or pa.types.is_floating(f.type))]
    return SweepInfo(tuple(schema.names), metrics, meta.metadata.num_rows)


def _varying_candidates(pf, params) -> list[str]:
    """Parameter columns that may vary between runs, judged from row-group statistics (a
    column whose min equals its max in every row group, and agrees across groups, is fixed)."""
    names = [n for n in pf.schema_arrow.names
             if _is_parameter(n, params) and n not in ID_COLUMNS]
    out = []
    meta = pf.metadata
    for name in names:
        idx = pf.schema_arrow.get_field_index(name)
        seen = set()
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(idx).statistics
            if stats is None or not stats.has_min_max:
                seen = None
                break
            seen.update((stats.min, stats.max))
            if len(seen) > 1:
                break
        if seen is None or len(seen) > 1:
            out.append(name)
    return out


def read_sweep(name: str, root: Path | None = None, metric: str | None = None,
               limit: int | None = None) -> tuple[pd.DataFrame, dict, str]:
    """(runs, manifest, note) with only the columns a chart of ``metric`` needs (ids, the
    parameters that vary, the metric) and at most ``limit`` rows; ``note`` says what was cut."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = (root or results_dir()).resolve()
    if name not in list_sweeps(root):
        raise PermissionError(f"{name!r} is not a sweep folder in {root}")
    folder = root / name
    pf = pq.ParquetFile(folder / "runs.parquet")
    names = pf.schema_arrow.names
    wanted = [c for c in ID_COLUMNS if c in names] + _varying_candidates(pf, _parameters())
    if metric is not None and metric in names and metric not in wanted:
        wanted.append(metric)
    limit = limit or max_rows()
    total = pf.metadata.num_rows
    note = ""
    if total > limit:
        batches, taken = [], 0
        for batch in pf.iter_batches(columns=wanted, batch_size=65_536):
            batches.append(batch.slice(0, min(batch.num_rows, limit - taken)))
            taken += batches[-1].num_rows
            if taken >= limit:
                break
        table = pa.Table.from_batches(batches)
        note = (f"This folder has {total:,} rows; the chart uses the first {limit:,} "
                "(set CIRCLESIM_UI_SWEEP_MAX_ROWS to read more).")
    else:
        table = pf.read(columns=wanted)
    return table.to_pandas(), _manifest(folder), note


def _manifest(folder: Path) -> dict:
    if (folder / "manifest.json").is_file():
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
            return manifest if isinstance(manifest, dict) else {}
        except (OSError, ValueError):
            return {}
    return {}


def metric_columns(runs: pd.DataFrame) -> list[str]:
    """Numeric columns that vary over time: the metrics (parameter columns are left out)."""
    try:
        from circlesim.parameters import PARAMETERS

        params = set(PARAMETERS)
    except Exception:  # pragma: no cover
        params = set()
    cols = []
    for c in runs.columns:
        if (c in ID_COLUMNS or _is_parameter(c, params)
                or not pd.api.types.is_numeric_dtype(runs[c])):
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
        if not _is_parameter(c, PARAMETERS) or c in ID_COLUMNS:
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
    from circlesim.stats import half_width

    frame = pd.DataFrame({"group": group_labels(runs), "step": runs["step"],
                          "value": pd.to_numeric(runs[metric], errors="coerce")})
    out = frame.groupby(["group", "step"], sort=True)["value"].agg(["mean", "std", "count"])
    out = out.reset_index()
    half = np.asarray(half_width(out["std"].to_numpy(float), out["count"].to_numpy(float)))
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out
