"""Running a sweep: plan, resume, execute, store, analyse.

``run_sweep(spec, out)`` is the whole of ``circlesim sweep``:

1. plan every run (scenario x grid point / design row x replication) and its seed;
2. open (or create) ``out``; if it already holds this sweep, keep every run whose rows are
   in the Parquet files and execute only the missing or failed ones;
3. execute on the chosen executor in batches of consecutive runs (about half a second of work
   each, learnt as runs finish; ``batch_runs`` fixes the size), buffering finished runs and
   committing them as Parquet parts every few seconds and the manifest every ten or so (bounded
   memory, bounded loss on a kill: a run is done only once its rows are in a part);
4. fold the parts into ``runs.parquet`` and, for SALib designs, write the indices.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import platform
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .executors import make_executor
from .spec import SpecError, SweepSpec
from .store import ResultStore
from .worker import DEFAULT_RUNNER, batch_table, execute_batch, signature

__all__ = ["SweepConflict", "SweepResult", "package_versions", "run_sweep"]

FORMAT = 1


class SweepConflict(ValueError):
    """The output directory holds a different sweep (one-line message)."""


@dataclass
class SweepResult:
    out: Path
    planned: int
    skipped: int  # already done before this invocation
    executed: int = 0
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)
    analysis: dict | None = None
    root_seed: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("circlesim", "mesa", "numpy", "pandas", "pyarrow", "networkx", "SALib",
                 "dask", "distributed"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def _new_manifest(spec: SweepSpec) -> dict:
    return {
        "format": FORMAT,
        "tool": "circlesim sweep",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "spec": spec.to_dict(),
        "root_seed": spec.seed,
        "versions": package_versions(),
        "command": " ".join(sys.argv),
        "runs": {},
    }


def check_compatible(old: dict, spec: SweepSpec, out: Path) -> None:
    old_spec = old.get("spec", {})
    new = spec.compat_key()
    for key in ("steps", "seed", "design"):
        if old_spec.get(key) != new[key]:
            raise SweepConflict(
                f"{out}: holds a sweep with {key} = {_short(old_spec.get(key))}, this one has "
                f"{key} = {_short(new[key])}; use another --out (or delete {out}) to start afresh"
            )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def resolve_seed(spec: SweepSpec, out: Path) -> SweepSpec:
    """Root seed: given > the one recorded in out/manifest.json > fresh entropy."""
    if spec.seed is not None:
        return spec
    store = ResultStore(out)
    old = store.load_manifest() if store.exists() else None
    if old and old.get("root_seed") is not None:
        return spec.with_seed(int(old["root_seed"]))
    return spec.with_seed(secrets.randbits(64))


def run_sweep(
    spec: SweepSpec,
    out: str | os.PathLike | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client=None,
    executor=None,
    progress: bool = True,
    flush_seconds: float = 3.0,
    flush_runs: int | None = None,
    batch_runs: int | None = None,
    on_result: Callable[[dict], None] | None = None,
    log: Callable[[str], None] | None = None,
    analyse: bool = True,
) -> SweepResult:
    out = Path(out or spec.default_out())
    log = log or (lambda msg: print(msg, file=sys.stderr))
    spec = resolve_seed(spec, out)
    plan = spec.plan()  # validate before touching the directory
    store = ResultStore(out)
    store.prepare()
    lock = store.lock()
    try:
        store.clean_temporary()
        for path, moved, reason in store.set_aside_damaged():
            log(f"warning: {path} is damaged ({reason}); set aside as {moved.name}; its runs "
                "will be redone")
        return _run_locked(spec, plan, out, store, workers, scheduler, client, executor, progress,
                           flush_seconds, flush_runs, batch_runs, on_result, log, analyse)
    finally:
        lock.close()


def _run_locked(spec, plan, out, store, workers, scheduler, client, executor, progress,
                flush_seconds, flush_runs, batch_runs, on_result, log,
                analyse) -> SweepResult:
    manifest = store.load_manifest()
    if manifest is not None:
        check_compatible(manifest, spec, out)
        versions = package_versions()
        if manifest.get("versions", {}).get("circlesim") != versions.get("circlesim"):
            log(f"warning: {out} was started with circlesim "
                f"{manifest.get('versions', {}).get('circlesim')}, this is {versions.get('circlesim')}")
        manifest["spec"] = spec.to_dict()
        manifest["command"] = " ".join(sys.argv)
    else:
        manifest = _new_manifest(spec)
    runs_info: dict[str, dict] = manifest.setdefault("runs", {})

    stored = store.stored_run_ids()
    by_id = {r.run_id: r for r in plan}
    todo = []
    for r in plan:
        info = runs_info.get(r.run_id, {})
        info.update(index=r.index, scenario=r.scenario, point=r.point, replication=r.replication,
                    overrides=r.overrides, seed=r.seed)
        info.pop("in_current_spec", None)
        if r.run_id in stored:
            info["status"] = "done"
            info.pop("error", None)
            info.pop("traceback", None)
        else:
            if info.get("status") == "failed":
                info["previous_error"] = info.get("error")
            info["status"] = "pending"
            todo.append(r)
        runs_info[r.run_id] = info
    for rid, info in runs_info.items():  # runs of an earlier, wider spec stay in the store
        if rid not in by_id:
            info["in_current_spec"] = False
            if rid in stored:
                info["status"] = "done"
    manifest["root_seed"] = spec.seed
    store.write_manifest(manifest)

    result = SweepResult(out=out, planned=len(plan), skipped=len(plan) - len(todo),
                         root_seed=spec.seed)
    started = time.perf_counter()
    order = {rid: info.get("index", 1 << 40) for rid, info in runs_info.items()}
    folded = False
    if todo:
        own_executor = executor is None
        executor = executor or make_executor(workers=workers, scheduler=scheduler, client=client)
        try:
            log(f"sweep: {len(plan)} runs ({result.skipped} already done, {len(todo)} to run) "
                f"on {executor.describe()} -> {out}")
            stream = store.stream(order)
            try:
                _execute(spec, todo, by_id, executor, store, manifest, result, progress,
                         flush_seconds, flush_runs, on_result, batch_runs, stream)
                folded = stream.finish(len(todo))
            finally:
                stream.abort()
        finally:
            if own_executor:
                executor.close()
    else:
        log(f"sweep: all {len(plan)} runs already done in {out}; nothing to run")
    if not folded:
        store.consolidate(order)
    result.seconds = time.perf_counter() - started
    result.done = sum(1 for r in plan if runs_info[r.run_id]["status"] == "done")
    result.failed = sum(1 for r in plan if runs_info[r.run_id]["status"] == "failed")
    result.failures = {r.run_id: runs_info[r.run_id].get("error", "")
                       for r in plan if runs_info[r.run_id]["status"] == "failed"}
    if analyse and spec.design is not None:
        from .analysis import analyse_design

        result.analysis = analyse_design(out, spec, plan, runs_info)
        manifest["analysis"] = {k: v for k, v in result.analysis.items() if k != "indices"}
    manifest["summary"] = {"planned": result.planned, "done": result.done,
                           "failed": result.failed}
    store.write_manifest(manifest)
    return result


class Pace:
    """How many runs go in the next batch (a task shipped to a worker).

    A batch should hold about ``target_seconds`` of work, so its fixed cost (dispatch,
    pickling, one Arrow table) is small against its runs, while a killed worker loses little
    and the progress bar moves. The run time is learnt as results come in (the first batches
    hold one run each); towards the end batches shrink so every worker stays busy until the
    last run, and no batch holds more than ``cap`` runs.
    """

    def __init__(self, workers: int, target_seconds: float = 0.5, cap: int = 32,
                 fixed: int | None = None):
        self.workers = max(1, int(workers))
        self.target = target_seconds
        self.cap = cap
        self.fixed = fixed
        self.mean: float | None = None  # moving mean of one run's seconds

    def observe(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.mean = seconds if self.mean is None else 0.9 * self.mean + 0.1 * seconds

    def size(self, remaining: int) -> int:
        if self.fixed:
            return max(1, min(self.fixed, remaining))
        if self.mean is None:
            return 1
        want = round(self.target / self.mean) if self.mean > 0 else self.cap
        tail = remaining // (self.workers * 4)  # leave work for every worker to the end
        return max(1, min(want, tail, self.cap, remaining))


def _inline(batch: dict) -> bool:
    """May this batch run in the sweep process while the pool starts? Only the built-in
    runner's (a spec's own runner might kill its process; it waits for a worker)."""
    return all((t.get("runner") or DEFAULT_RUNNER) == DEFAULT_RUNNER for t in batch["batch"])


def _batches(spec, todo, pace: Pace):
    i = 0
    while i < len(todo):
        k = pace.size(len(todo) - i)
        chunk = todo[i:i + k]
        i += k
        rid = chunk[0].run_id if k == 1 else f"{chunk[0].run_id}+{k - 1}"
        yield {"run_id": rid,
               "batch": [r.task(spec.steps, spec.runner, with_columns=True) for r in chunk]}


def _execute(spec, todo, by_id, executor, store, manifest, result, progress, flush_seconds,
             flush_runs, on_result, batch_runs=None, stream=None) -> None:
    from tqdm.auto import tqdm

    runs_info = manifest["runs"]
    flush_runs = flush_runs or max(1, min(50, len(todo) // 20))
    # finished batches not yet committed: (position, runs, done run ids, rows or table)
    buffer: list = []
    buffered_ids: list[str] = []
    last_flush = time.monotonic()
    # the manifest is rewritten at most every few seconds (its cost grows with the sweep: the
    # Parquet files, not the manifest, say which runs are done), and at the end
    manifest_due = {"at": time.monotonic(), "every": 10.0}

    def write_manifest(force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < manifest_due["at"]:
            return
        store.write_manifest(manifest)
        cost = time.monotonic() - now
        manifest_due["at"] = time.monotonic() + max(manifest_due["every"], 50 * cost)

    def flush(force_manifest: bool = False) -> None:
        nonlocal last_flush
        if buffer:
            pieces = _tables(buffer, runs_info)
            part = store.write_part([table for table, _ in pieces])
            if stream is not None:
                stream.covers(part)
                for table, batches in pieces:
                    for position, runs, offset, length in batches:
                        stream.add(position, runs, table.slice(offset, length))
            for rid in buffered_ids:
                if runs_info[rid]["status"] == "committing":
                    runs_info[rid]["status"] = "done" if part else "pending"
            buffer.clear()
            buffered_ids.clear()
        write_manifest(force_manifest)
        last_flush = time.monotonic()

    bar = tqdm(total=len(todo), desc="sweep", unit="run", disable=not progress,
               file=sys.stderr, dynamic_ncols=True, mininterval=0.5, smoothing=0.1)
    failed = 0
    pace = Pace(getattr(executor, "workers", 1) or 1, fixed=batch_runs)
    position = {r.run_id: i for i, r in enumerate(todo)}
    try:
        # an executor given by the caller may have the plain map(fn, tasks)
        options = ({"inline": _inline}
                   if "inline" in inspect.signature(executor.map).parameters else {})
        for batch in executor.map(execute_batch, _batches(spec, todo, pace), **options):
            table = batch.get("table")
            done_ids = []
            new_failure = False
            for res in batch["runs"]:
                rid = res["run_id"]
                info = runs_info[rid]
                info["seconds"] = round(float(res.get("seconds", 0.0)), 4)
                if res["status"] == "done":
                    done_ids.append(rid)
                    pace.observe(float(res.get("seconds", 0.0)))
                    info["status"] = "committing"
                    info.pop("error", None)
                    info.pop("traceback", None)
                else:
                    failed += 1
                    new_failure = True
                    info["status"] = "failed"
                    info["error"] = res.get("error", "unknown error")
                    if res.get("traceback"):
                        info["traceback"] = res["traceback"]
                result.executed += 1
                if on_result is not None:
                    on_result({"run_id": rid, "status": info["status"],
                               "executed": result.executed, "failed": failed,
                               "seconds": float(res.get("seconds", 0.0)),
                               "cpu": float(res.get("cpu", 0.0))})
            start = position[batch["runs"][0]["run_id"]]
            rows = batch.get("rows")
            if done_ids and (rows or table is not None):
                buffer.append((start, len(batch["runs"]), done_ids, rows or table))
                buffered_ids.extend(done_ids)
            elif stream is not None:
                stream.add(start, len(batch["runs"]), None)
            bar.update(len(batch["runs"]))
            bar.set_postfix_str(f"failed={failed}", refresh=False)
            if new_failure:
                manifest_due["at"] = 0.0  # a failure is shown in the manifest at the next flush
            if len(buffered_ids) >= flush_runs or time.monotonic() - last_flush > flush_seconds:
                flush()
    finally:
        # also on Ctrl-C: commit what finished, so a rerun resumes from there
        try:
            flush(force_manifest=True)
        finally:
            for info in runs_info.values():
                if info.get("status") == "committing":
                    info["status"] = "pending"
            bar.close()


def _tables(buffer: list, runs_info: dict) -> list:
    """The Arrow tables of buffered batches: ``[(table, [(position, runs, offset, length)])]``.

    Batches that came back as daily records (``"rows"``) are built into one table per kind of
    run with ``worker.batch_table`` (a few Arrow calls for many runs); each batch is a slice of
    it, for the runs.parquet writer. Should a table fail to build, its runs are failed with
    the error (never the sweep).
    """
    pieces, groups = [], {}
    for position, runs, ids, content in buffer:
        if isinstance(content, list):
            key = signature(*content[0])
            groups.setdefault(key, []).append((position, runs, ids, content))
        else:
            pieces.append((content, [(position, runs, 0, content.num_rows)]))
    for group in groups.values():
        try:
            table = batch_table([run for *_, content in group for run in content])
        except Exception as exc:  # noqa: BLE001 - should not happen: the worker checked
            for *_, ids, _ in group:
                for rid in ids:
                    runs_info[rid].update(status="failed",
                                          error=f"{type(exc).__name__}: {exc}"[:2000])
            continue
        batches, offset = [], 0
        for position, runs, _, content in group:
            length = sum(rows[2].shape[0] for _, rows in content)
            batches.append((position, runs, offset, length))
            offset += length
        pieces.append((table, batches))
    return pieces


def spec_error_or_conflict(exc: BaseException) -> bool:
    return isinstance(exc, (SpecError, SweepConflict))
