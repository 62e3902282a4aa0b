"""What runs inside a worker: simulation runs, never raising.

``execute_batch(batch)`` is the function a sweep ships to process-pool workers and Dask
workers: a batch is a few consecutive runs of the plan (``{"run_id": ..., "batch": [task,
...]}``), so the fixed cost of a task (dispatch, pickling, one Arrow table, one part file) is
paid once per batch, not once per run. Each task's runner (``"package.module:function"``) is
called as ``runner(scenario, overrides, seed, steps)``; the batch's result is one pyarrow Table
of the tidy rows of every run that finished, plus a status per run: on failure a one-line
error message and the traceback text. An exception in one run therefore never stops a sweep,
nor the other runs of its batch.

The built-in runner (``run_model``) takes a fast path: the model's daily record (a float array,
one row a day) goes into the Arrow table directly, without a pandas DataFrame in between; the
table is the same, value for value and type for type (a test checks it).

``execute(task)`` runs one task and returns its DataFrame (or, for a task with ``columns``,
its tidy Arrow table): the same contract, one run at a time.
"""

from __future__ import annotations

import importlib
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["DEFAULT_RUNNER", "batch_table", "execute", "execute_batch", "resolve_runner",
           "run_model", "tidy_table"]

from .store import ID_COLUMNS

_RUNNERS: dict[str, Callable] = {}

#: the built-in runner's target (``runners.RUNNERS["model"]``)
DEFAULT_RUNNER = "circlesim.sweep.worker:run_model"


def run_model(scenario: str, overrides: dict, seed: int, steps: int) -> pd.DataFrame:
    """The default runner: one CommunityModel run, one row per day including step 0."""
    from circlesim import CommunityModel

    model = CommunityModel(scenario=scenario, rng=seed, **overrides)
    model.run(steps)
    return model.to_frame()


def run_model_arrays(scenario: str, overrides: dict, seed: int, steps: int):
    """The built-in runner's run as ``(column names, int column names, rows)``: ``rows`` is the
    model's daily record, a float array of one row a day (what ``to_frame()`` is built from).
    Falls back to ``(None, None, DataFrame)`` if the model keeps its record otherwise."""
    from circlesim import CommunityModel

    model = CommunityModel(scenario=scenario, rng=seed, **overrides)
    model.run(steps)
    arrays = daily_arrays(model)
    if arrays is None:
        return None, None, model.to_frame()
    return arrays


def daily_arrays(model):
    """``(OUTPUT_COLUMNS, INT_COLUMNS, days x columns float array)`` of a finished model, or
    None if its daily record is not that array (then use ``model.to_frame()``)."""
    try:
        from circlesim.outputs import INT_COLUMNS, OUTPUT_COLUMNS

        data = np.asarray(model.daily_array())
    except (AttributeError, ImportError, TypeError, ValueError):
        return None
    if data.ndim != 2 or data.shape[1] != len(OUTPUT_COLUMNS) or data.dtype != np.float64:
        return None
    return tuple(OUTPUT_COLUMNS), frozenset(INT_COLUMNS), data


def resolve_runner(spec: str) -> Callable:
    fn = _RUNNERS.get(spec)
    if fn is None:
        module, _, name = spec.partition(":")
        fn = getattr(importlib.import_module(module), name)
        _RUNNERS[spec] = fn
    return fn


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "string"


def _column_name(key: str, taken: set) -> str:
    return key if (key in ID_COLUMNS or key not in taken) else f"param_{key}"


def tidy_table(frame: pd.DataFrame, columns: dict):
    """The run's metric rows with its identity and parameters in front, as a pyarrow Table.

    Built here, in the worker, so the process collecting results only concatenates tables.
    A parameter whose name clashes with a metric or identity column is written as
    ``param_<name>``.
    """
    metrics = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    n = metrics.num_rows
    taken = set(metrics.column_names) | set(ID_COLUMNS)
    names, arrays = [], []
    for key, value in columns.items():
        kind = _kind(value)
        if kind == "string":
            value = None if value is None else str(value)
        names.append(_column_name(key, taken))
        arrays.append(pa.array([value] * n, type=_ARROW_TYPES[kind]()))
    for name in metrics.column_names:
        names.append(name)
        arrays.append(metrics.column(name))
    return pa.table(arrays, names=names)


_ARROW_TYPES = {"bool": pa.bool_, "int": pa.int64, "float": pa.float64, "string": pa.string}
_NUMPY_TYPES = {"bool": np.bool_, "int": np.int64, "float": np.float64}


def signature(columns: dict, rows) -> tuple | None:
    """What a run must share with others for :func:`batch_table` to build their table in one
    go: the metric names and the identity columns' names and kinds (None if its rows are a
    DataFrame or a whole number does not fit 64 bits: that run takes the pandas path)."""
    if not isinstance(rows, tuple):
        return None
    kinds = []
    for value in columns.values():
        kind = _kind(value)
        if kind == "int" and not -(1 << 63) <= value < (1 << 63):
            return None
        kinds.append(kind)
    return tuple(rows[0]), tuple(columns), tuple(kinds)


def batch_table(runs: list):
    """One pyarrow Table of several finished runs: ``runs`` is a list of ``(columns, rows)``
    with ``columns`` the run's identity and parameters (``RunSpec.identity_columns()``) and
    ``rows`` either ``(names, int_names, float array)`` (the built-in runner) or a DataFrame.

    The same table as concatenating ``tidy_table(frame, columns)`` of each run (same column
    names, types and values; NaN stored as null, as ``Table.from_pandas`` does), built with a
    few numpy and Arrow calls per batch instead of ~120 Arrow calls per run.
    """
    if not runs:
        return None
    signatures = {signature(cols, rows) for cols, rows in runs}
    if None in signatures or len(signatures) != 1:
        tables = [tidy_table(rows if isinstance(rows, pd.DataFrame) else _frame(rows), cols)
                  for cols, rows in runs]
        return pa.concat_tables(tables, promote_options="permissive")
    (names, keys, kinds), = signatures
    ints = runs[0][1][1]
    counts = np.array([rows[2].shape[0] for _, rows in runs], dtype=np.int64)
    data = np.concatenate([rows[2] for _, rows in runs], axis=0).T.copy()  # columns x rows
    taken = set(names) | set(ID_COLUMNS)
    out_names, arrays = [], []
    for key, kind in zip(keys, kinds):
        values = [cols[key] for cols, _ in runs]
        if kind == "string":
            values = np.array([None if v is None else str(v) for v in values], dtype=object)
            array = pa.array(np.repeat(values, counts), type=pa.string())
        else:
            array = pa.array(np.repeat(np.array(values, dtype=_NUMPY_TYPES[kind]), counts))
        out_names.append(_column_name(key, taken))
        arrays.append(array)
    for j, name in enumerate(names):
        col = data[j]
        out_names.append(name)
        arrays.append(pa.array(col.astype(np.int64)) if name in ints
                      else pa.array(col, from_pandas=True))
    return pa.table(arrays, names=out_names)


def _frame(rows) -> pd.DataFrame:
    names, ints, data = rows
    return pd.DataFrame({name: data[:, j].astype(np.int64) if name in ints else data[:, j]
                         for j, name in enumerate(names)})


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _check_frame(frame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"runner returned {type(frame).__name__}, expected a pandas DataFrame")
    if "step" not in frame.columns:
        raise ValueError("runner's frame has no 'step' column")


def execute_batch(batch: dict) -> dict[str, Any]:
    """Run every task of ``batch["batch"]`` (in order); never raises.

    Returns ``{"runs": [{"run_id", "status", "seconds", "cpu", ["error", "traceback"]}, ...],
    "table": pyarrow Table of the finished runs' tidy rows (None if none finished)}``; when
    every finished run took the fast path, ``"rows"`` instead: the ``(columns, rows)`` that
    :func:`batch_table` turns into that table (in the sweep process, for many batches at once).
    """
    results, finished = [], []
    for task in batch["batch"]:
        started, cpu = time.perf_counter(), time.process_time()
        result: dict[str, Any] = {"run_id": task["run_id"]}
        try:
            runner_name = task.get("runner") or DEFAULT_RUNNER
            if runner_name == DEFAULT_RUNNER:
                names, ints, rows = run_model_arrays(task["scenario"], dict(task["overrides"]),
                                                     task["seed"], task["steps"])
                if names is not None:
                    rows = (names, ints, rows)
                else:
                    _check_frame(rows)
            else:
                rows = resolve_runner(runner_name)(task["scenario"], dict(task["overrides"]),
                                                   task["seed"], task["steps"])
                _check_frame(rows)
            finished.append((task["columns"], rows, result))
            result["status"] = "done"
        except Exception as exc:  # noqa: BLE001 - a failing run is data, not a crash
            result.update(status="failed", error=one_line(exc)[:2000],
                          traceback=traceback.format_exc()[-8000:])
        result["seconds"] = time.perf_counter() - started
        result["cpu"] = time.process_time() - cpu
        results.append(result)
    table = None
    rows = [(cols, run_rows) for cols, run_rows, _ in finished]
    signatures = {signature(cols, run_rows) for cols, run_rows in rows}
    if finished and None not in signatures and len(signatures) == 1:
        # the daily records as they are (numpy arrays pickle as one copy each): the sweep
        # process builds one table of many batches with batch_table
        return {"runs": results, "rows": rows, "table": None}
    if finished:
        try:
            table = batch_table([(cols, rows) for cols, rows, _ in finished])
        except Exception:  # noqa: BLE001 - find the run(s) whose rows cannot be tabled
            tables = []
            for cols, rows, result in finished:
                try:
                    tables.append(batch_table([(cols, rows)]))
                except Exception as exc:  # noqa: BLE001
                    result.update(status="failed", error=one_line(exc)[:2000],
                                  traceback=traceback.format_exc()[-8000:])
            if tables:
                table = pa.concat_tables(tables, promote_options="permissive")
    return {"runs": results, "table": table}


def execute(task: dict) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {"run_id": task["run_id"]}
    try:
        runner = resolve_runner(task.get("runner") or "circlesim.sweep.worker:run_model")
        frame = runner(task["scenario"], dict(task["overrides"]), task["seed"], task["steps"])
        _check_frame(frame)
        if "columns" in task:  # a sweep: ship the finished tidy rows (Arrow, cheap to pickle)
            result.update(status="done", table=tidy_table(frame, task["columns"]))
        else:
            result.update(status="done", frame=frame.reset_index(drop=True))
    except Exception as exc:  # noqa: BLE001 - a failing run is data, not a crash
        result.update(status="failed", error=one_line(exc)[:2000],
                      traceback=traceback.format_exc()[-8000:])
    result["seconds"] = time.perf_counter() - started
    return result
