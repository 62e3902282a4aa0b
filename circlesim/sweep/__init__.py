"""Batch sweeps of circlesim: grids and SALib designs with replications, resumable, in Parquet.

Public API::

    from circlesim.sweep import load_spec, apply_flags, run_sweep, load_results, make_report
    spec = apply_flags(None, scenarios=["baseline"], grid=["centre_strength=0.2,0.8"],
                       replications=3, steps=30, seed=1)
    result = run_sweep(spec, "results/d1", workers=2)
    df = load_results("results/d1")        # run_id, scenario, point, replication, params, seed,
                                           # step, metrics: one row per run and day (0..steps)
"""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

#: Public name -> the module that defines it (imported on first use: circlesim.lazy).
_EXPORTS = {
    **dict.fromkeys(("SweepConflict", "SweepResult", "run_sweep"), ".engine"),
    **dict.fromkeys(("DaskExecutor", "LocalExecutor", "SerialExecutor", "make_executor"),
                    ".executors"),
    **dict.fromkeys(("make_report", "summary_table"), ".report"),
    **dict.fromkeys(("DesignSpec", "RunSpec", "SpecError", "SweepSpec", "apply_flags",
                     "load_spec", "spec_from_text"), ".spec"),
    **dict.fromkeys(("ResultStore", "load_results"), ".store"),
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what editors and type checkers see
    from .engine import SweepConflict, SweepResult, run_sweep
    from .executors import DaskExecutor, LocalExecutor, SerialExecutor, make_executor
    from .report import make_report, summary_table
    from .spec import (DesignSpec, RunSpec, SpecError, SweepSpec, apply_flags, load_spec,
                       spec_from_text)
    from .store import ResultStore, load_results

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
