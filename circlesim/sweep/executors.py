"""Where runs execute: in this process, a local process pool, or a Dask cluster.

Every executor has ``map(fn, tasks)``: a generator that yields ``fn(task)`` results as they
complete (any order), keeping only a bounded number of tasks in flight so memory stays flat
however many runs a sweep has. ``fn`` must never raise (see ``worker.execute``); if a worker
process dies, the executor yields a failed result for the affected task instead.

A task may be a *batch* of runs (``{"run_id": ..., "batch": [task, ...]}``, see
``worker.execute_batch``): when its worker dies, the batch is split and each of its runs is
retried alone, so only the run that kills its worker is failed.

The local pool takes its start method per pool (``multiprocessing.get_context``): the default
is ``forkserver`` on POSIX (workers fork from a small server process that has already imported
the model, so they start fast and do not inherit this process's threads). Nothing is set
process-wide, unlike ``mesa.batch_run``, which forces ``spawn`` for the whole interpreter.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

__all__ = ["DaskExecutor", "LocalExecutor", "SerialExecutor", "default_workers", "make_executor"]

PRELOAD = ["circlesim.sweep.worker", "circlesim.sweep.lifeline", "circlesim", "circlesim.sweep.warm"]
SCHEDULER_RE = re.compile(r"^(tcp|tls|inproc|ws|wss|ucx)://[^\s/]+$")


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _crash_result(task: dict, message: str) -> dict:
    if "batch" in task:
        return {"runs": [_crash_result(t, message) for t in task["batch"]], "table": None}
    return {"run_id": task["run_id"], "status": "failed", "error": message, "seconds": 0.0}


def _split(task: dict) -> list[dict]:
    """The task as tasks of one run each (a batch of several runs is split up)."""
    runs = task.get("batch") if isinstance(task, dict) else None
    if runs is None or len(runs) <= 1:
        return [task]
    return [dict(task, run_id=t["run_id"], batch=[t]) for t in runs]


class SerialExecutor:
    """Runs every task in this process, one after another (``--workers 1``)."""

    workers = 1

    def describe(self) -> str:
        return "1 worker (in this process)"

    def map(self, fn: Callable[[dict], dict], tasks: Iterable[dict],
            inline: Callable[[dict], bool] | None = None) -> Iterator[dict]:
        for task in tasks:
            yield fn(task)

    def close(self) -> None:
        pass


def _ready() -> int:
    """A no-op task: its result says a worker process is up."""
    return os.getpid()


class LocalExecutor:
    """A ``concurrent.futures`` process pool with a per-pool start method."""

    def __init__(self, workers: int | None = None, start_method: str | None = None,
                 in_flight: int | None = None):
        self.workers = int(workers or default_workers())
        methods = multiprocessing.get_all_start_methods()
        self.start_method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self.in_flight = in_flight or self.workers * 3

    def describe(self) -> str:
        return f"{self.workers} local worker processes ({self.start_method})"

    def _pool(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            ctx.set_forkserver_preload(PRELOAD)
        from .lifeline import identity, worker_init

        # workers end themselves when this process is gone (kill -9 leaves no orphans)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                   initializer=worker_init, initargs=identity())

    def map(self, fn: Callable[[dict], dict], tasks: Iterable[dict],
            inline: Callable[[dict], bool] | None = None) -> Iterator[dict]:
        """Yield results as runs finish; survive worker processes that die.

        Starting the pool takes a second or two (the forkserver imports the model and loads
        its compiled rules once) while this process would only wait: tasks for which
        ``inline(task)`` is true are run here in the meantime, one after another, until the
        first worker is up. (The sweep allows it for the built-in runner only: a task that
        could kill its process must run in a worker.)

        If a worker dies (killed, out of memory, a crash in native code), the pool breaks and
        every run in flight is suspect: they are retried one at a time in a fresh pool, so the
        run that kills its worker is identified exactly and recorded as failed, and the others
        complete normally.
        """
        source = iter(tasks)
        suspects: deque = deque()
        first = True
        while True:
            pool = self._pool()
            pending: dict = {}
            broken = False
            try:
                if first and inline is not None:
                    first = False
                    deferred = yield from self._while_starting(pool, fn, source, inline)
                    source = itertools.chain(deferred, source)
                while True:
                    limit = 1 if suspects else self.in_flight
                    while not broken and len(pending) < limit:
                        isolated = bool(suspects)
                        task = suspects.popleft() if isolated else next(source, None)
                        if task is None:
                            break
                        try:
                            pending[pool.submit(fn, task)] = (task, isolated)
                        except (BrokenProcessPool, RuntimeError):
                            suspects.appendleft(task)
                            broken = True
                        if isolated:
                            break  # a suspect runs alone
                    if not pending:
                        break
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        task, isolated = pending.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            if isolated:
                                yield _crash_result(task, "worker process died during this run "
                                                          "(killed, out of memory or crashed)")
                            else:
                                suspects.extend(_split(task))
                            continue
                        except Exception as exc:  # noqa: BLE001 - e.g. unpicklable result
                            result = _crash_result(task, f"{type(exc).__name__}: {exc}")
                        yield result
                    if broken and not pending:
                        break
            finally:
                pool.shutdown(wait=not broken and not pending, cancel_futures=True)
            if not broken:
                return

    @staticmethod
    def _while_starting(pool, fn, source, inline):
        """Run ``inline`` tasks here until the pool's first worker answers; returns the tasks
        taken from ``source`` but not run (to submit first)."""
        started = threading.Event()

        def start() -> None:
            try:
                pool.submit(_ready).result()
            except Exception:  # noqa: BLE001 - the main loop finds the pool broken itself
                pass
            finally:
                started.set()

        threading.Thread(target=start, daemon=True, name="circlesim-pool-start").start()
        while not started.is_set():
            task = next(source, None)
            if task is None:
                return []
            if not inline(task):
                return [task]
            yield fn(task)
        return []

    def close(self) -> None:
        pass


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster (``Client(address)`` or a given client)."""

    def __init__(self, address: str | None = None, client=None, in_flight: int | None = None,
                 timeout: float = 10.0):
        if client is None and (not address or not SCHEDULER_RE.match(address)):
            raise ValueError(
                f"--scheduler: expected an address like tcp://HOST:PORT, got {address!r}"
            )
        self.address = address
        self._client = client
        self._own = client is None
        self.timeout = timeout
        self.in_flight = in_flight
        self.workers = 0

    @property
    def client(self):
        if self._client is None:
            from distributed import Client

            try:
                self._client = Client(self.address, timeout=self.timeout)
            except (OSError, TimeoutError) as err:
                raise ConnectionError(
                    f"--scheduler {self.address}: cannot connect ({type(err).__name__}: "
                    f"{' '.join(str(err).split())[:200]})"
                ) from None
        return self._client

    def describe(self) -> str:
        info = self.client.scheduler_info()
        workers = info.get("workers", {})
        threads = sum(w.get("nthreads", 1) for w in workers.values())
        self.workers = threads
        return f"Dask cluster {self.client.scheduler.address} ({len(workers)} workers, {threads} threads)"

    def map(self, fn: Callable[[dict], dict], tasks: Iterable[dict],
            inline: Callable[[dict], bool] | None = None) -> Iterator[dict]:
        """Yield results as runs finish; a run whose worker dies is retried alone.

        ``fn`` never raises, so an exception from a future means the infrastructure failed:
        the worker died (``KilledWorker`` after the scheduler's own retries), the connection
        broke. Every run in flight with a dying worker may be blamed by the scheduler, so such
        a run is not recorded as failed: it becomes a suspect and is retried alone (nothing else
        in flight on the cluster), as the local pool does; only a run that fails alone is
        recorded as failed, with the error.
        """
        from distributed import as_completed

        client = self.client
        limit = self.in_flight
        if limit is None:
            nthreads = sum(client.nthreads().values()) or 1
            limit = max(8, 3 * nthreads)
        source = iter(tasks)
        suspects: deque = deque()
        owner: dict = {}  # future key -> (task, runs alone)
        ac = as_completed()

        def submit(task: dict, alone: bool) -> None:
            fut = client.submit(fn, task, pure=False,
                                key=f"circlesim-run-{task['run_id']}-{uuid.uuid4().hex[:8]}")
            owner[fut.key] = (task, alone)
            ac.add(fut)

        def fill() -> None:
            if suspects:  # a suspect runs alone, once everything else has finished
                if not owner:
                    submit(suspects.popleft(), True)
                return
            while len(owner) < limit:
                task = next(source, None)
                if task is None:
                    return
                submit(task, False)

        fill()
        try:
            for fut in ac:
                task, alone = owner.pop(fut.key)
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection, ...
                    if not alone:
                        suspects.extend(_split(task))
                        fut.release()
                        fill()
                        continue
                    result = _crash_result(task, f"{type(exc).__name__}: "
                                                 f"{' '.join(str(exc).split())[:500]}")
                fut.release()
                yield result
                fill()
        finally:
            owner.clear()
            ac.clear()

    def close(self) -> None:
        if self._own and self._client is not None:
            self._client.close()
            self._client = None


def make_executor(workers: int | None = None, scheduler: str | None = None, client=None,
                  start_method: str | None = None):
    if client is not None or scheduler:
        return DaskExecutor(address=scheduler, client=client)
    n = int(workers or default_workers())
    if n == 1:
        return SerialExecutor()
    return LocalExecutor(n, start_method=start_method)
