"""Run the validation: replications of the baseline, every pattern check, a report."""

from __future__ import annotations

import json
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from .measure import BASELINE_DAYS, BASS_DAYS, run_adoption, run_replication
from .patterns import Check, evaluate_patterns

__all__ = ["FULL_REPLICATIONS", "QUICK_REPLICATIONS", "Report", "run_validation",
           "replicate"]

#: Replications of the full validation (each pattern: mean and 95 % CI over these). The
#: newcomer reply effect sets the number: one replication sees ~25 newcomers' first posts, and
#: the effect's standard error is about 0.2 / sqrt(replications) (0.020 measured over 100), so
#: telling an effect of +8 pts from 0 needs well over 50 replications. At 20 it failed about
#: half the time (issue 9 note); a compiled replication costs ~0.1 s.
FULL_REPLICATIONS = 200
#: Replications of ``--quick`` (the test suite's run).
QUICK_REPLICATIONS = 100
#: ``--quick`` fits the Bass curve to the first 10 seeds' 360-day runs only.
QUICK_ADOPTION_REPLICATIONS = 10


@dataclass
class Report:
    checks: list[Check]
    replications: int
    days: int
    seed: int
    seconds: float
    quick: bool
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def table(self) -> str:
        """The plain-text table: pattern, measure, target band, value [95 % CI], pass/fail."""
        rows = [("pattern", "measure", "target", "model [95% CI]", "result")]
        for c in self.checks:
            result = "-" if c.informational else ("pass" if c.passed else "FAIL")
            rows.append((c.pattern, c.measure, c.band_text(), c.value_text(), result))
        rows = [tuple(_clip(x, 70) for x in r) for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        lines = ["  ".join(r[i].ljust(widths[i]) for i in range(5)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        checked = [c for c in self.checks if not c.informational]
        failed = [c.key for c in checked if not c.passed]
        mode = "quick" if self.quick else "full"
        lines.append("")
        changed = self.meta.get("overrides") or {}
        if changed:
            lines.append("parameters changed from the defaults: "
                         + ", ".join(f"{k}={v}" for k, v in changed.items()))
        lines.append(f"{len(checked) - len(failed)}/{len(checked)} checks pass "
                     f"({mode}: {self.replications} replications of {self.days} days and "
                     f"{self.meta.get('adoption_replications', self.replications)} of "
                     f"{BASS_DAYS} days for the adoption curve, seeds "
                     f"{self.seed}-{self.seed + self.replications - 1}, {self.seconds:.0f} s)"
                     + (f"; failed: {', '.join(failed)}" if failed else ""))
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        meta = {k: v for k, v in self.meta.items() if not k.startswith("_")}
        return {
            "passed": self.passed, "quick": self.quick, "replications": self.replications,
            "days": self.days, "seed": self.seed, "seconds": round(self.seconds, 2),
            "checks": [_finite(c.as_dict()) for c in self.checks], **meta,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _finite(value: Any) -> Any:
    """JSON has no NaN: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _one(args: tuple[str, int, int, dict[str, Any]]) -> dict[str, Any]:
    kind, seed, days, overrides = args
    if kind == "adoption":
        return run_adoption(seed, days, overrides=overrides)
    return run_replication(seed, days, overrides=overrides)


def replicate(replications: int, days: int = BASELINE_DAYS, seed: int = 0,
              workers: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              overrides: dict[str, Any] | None = None, kind: str = "patterns",
              adoption_replications: int | None = None) -> list[dict[str, Any]]:
    """``replications`` baseline runs with seeds ``seed .. seed + replications - 1``.

    ``kind`` "patterns": instrumented runs (:func:`run_replication`); "adoption": plain runs
    for the adoption curve (:func:`run_adoption`); "both": each seed both ways, the pattern
    runs first in the returned list.
    """
    extra = dict(overrides or {})
    kinds = ["patterns", "adoption"] if kind == "both" else [kind]
    counts = {"patterns": replications,
              "adoption": replications if adoption_replications is None
              else adoption_replications}
    tasks = [(k, seed + i, days if k == "patterns" else BASS_DAYS, extra)
             for k in kinds for i in range(counts[k])]
    replications = len(tasks)
    workers = _default_workers() if workers is None else workers
    reps: list[dict[str, Any]] = []
    if workers <= 1 or replications <= 1:
        for task in tasks:
            reps.append(_one(task))
            if progress:
                progress(len(reps), replications)
        return reps
    import multiprocessing

    # forkserver: forking a process that runs threads (pytest-xdist, a UI) may deadlock
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(workers, replications), mp_context=context) as pool:
        for rep in pool.map(_one, tasks):
            reps.append(rep)
            if progress:
                progress(len(reps), replications)
    return reps


def run_validation(replications: int | None = None, quick: bool = False, seed: int = 0,
                   days: int = BASELINE_DAYS, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   keep_replications: bool = False,
                   overrides: dict[str, Any] | None = None) -> Report:
    """Replicate the baseline and check every pattern of DESIGN.md §5.

    ``quick`` uses :data:`QUICK_REPLICATIONS` unless ``replications`` is given; ``overrides``
    changes parameters of the baseline (validated as everywhere else).
    """
    if replications is None:
        replications = QUICK_REPLICATIONS if quick else FULL_REPLICATIONS
    if replications < 2:
        raise ValueError("replications must be at least 2 (a confidence interval needs two)")
    from ..parameters import Parameters

    Parameters.from_mapping(overrides or {})  # fail early, in this process, on a bad value
    start = time.perf_counter()
    adoption_runs = QUICK_ADOPTION_REPLICATIONS if quick and replications > \
        QUICK_ADOPTION_REPLICATIONS else replications
    runs = replicate(replications, days, seed, workers, progress, overrides, kind="both",
                     adoption_replications=adoption_runs)
    reps, adoption = runs[:replications], runs[replications:replications + adoption_runs]
    checks = evaluate_patterns(reps, adoption)
    report = Report(checks, replications, days, seed, time.perf_counter() - start, quick,
                    meta={"overrides": dict(overrides or {}),
                          "adoption_replications": adoption_runs, "adoption_days": BASS_DAYS})
    if keep_replications:
        report.meta["_replications"] = reps
        report.meta["_adoption"] = adoption
    return report
