"""What runs inside a worker: one simulation run, never raising.

``execute(task)`` is the function shipped to process-pool workers and Dask workers. It
resolves the task's runner (``"package.module:function"``), calls it as
``runner(scenario, overrides, seed, steps)`` and returns a plain dict: on success the
run's DataFrame, on failure a one-line error message and the traceback text. An exception in
one run therefore never stops a sweep.
"""

from __future__ import annotations

import importlib
import time
import traceback
from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["execute", "resolve_runner", "run_model", "tidy_table"]

from .store import ID_COLUMNS

_RUNNERS: dict[str, Callable] = {}


def run_model(scenario: str, overrides: dict, seed: int, steps: int) -> pd.DataFrame:
    """The default runner: one CommunityModel run, one row per day including step 0."""
    from circlesim import CommunityModel

    model = CommunityModel(scenario=scenario, rng=seed, **overrides)
    model.run(steps)
    return model.to_frame()


def resolve_runner(spec: str) -> Callable:
    fn = _RUNNERS.get(spec)
    if fn is None:
        module, _, name = spec.partition(":")
        fn = getattr(importlib.import_module(module), name)
        _RUNNERS[spec] = fn
    return fn


def tidy_table(frame: pd.DataFrame, columns: dict):
    """The run's metric rows with its identity and parameters in front, as a pyarrow Table.

    Built here, in the worker, so the process collecting results only concatenates tables.
    A parameter whose name clashes with a metric or identity column is written as
    ``param_<name>``.
    """
    import pyarrow as pa

    metrics = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    n = metrics.num_rows
    taken = set(metrics.column_names) | set(ID_COLUMNS)
    names, arrays = [], []
    for key, value in columns.items():
        name = key if (key in ID_COLUMNS or key not in taken) else f"param_{key}"
        if isinstance(value, bool):
            typ = pa.bool_()
        elif isinstance(value, int):
            typ = pa.int64()
        elif isinstance(value, float):
            typ = pa.float64()
        else:
            typ, value = pa.string(), (None if value is None else str(value))
        names.append(name)
        arrays.append(pa.array([value] * n, type=typ))
    for name in metrics.column_names:
        names.append(name)
        arrays.append(metrics.column(name))
    return pa.table(arrays, names=names)


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def execute(task: dict) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {"run_id": task["run_id"]}
    try:
        runner = resolve_runner(task.get("runner") or "circlesim.sweep.worker:run_model")
        frame = runner(task["scenario"], dict(task["overrides"]), task["seed"], task["steps"])
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"runner returned {type(frame).__name__}, expected a pandas DataFrame")
        if "step" not in frame.columns:
            raise ValueError("runner's frame has no 'step' column")
        if "columns" in task:  # a sweep: ship the finished tidy rows (Arrow, cheap to pickle)
            result.update(status="done", table=tidy_table(frame, task["columns"]))
        else:
            result.update(status="done", frame=frame.reset_index(drop=True))
    except Exception as exc:  # noqa: BLE001 - a failing run is data, not a crash
        result.update(status="failed", error=one_line(exc)[:2000],
                      traceback=traceback.format_exc()[-8000:])
    result["seconds"] = time.perf_counter() - started
    return result
