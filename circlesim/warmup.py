"""Compile the engine once, ahead of the first real run: ``python -m circlesim.warmup``.

The rules are numba functions compiled on first use and cached on disk (``kernels.py``), so
only the very first run on a machine pays for compiling them (tens of seconds on two cores).
``scripts/setup`` runs this module at its end, so the first run a user starts is warm. It runs
a few tiny models that reach every compiled path: the baseline, a day with pruning, paid
seeding and overload, and a loaded friendship graph. Once the cache is warm it takes about a
second.

One warm-up compiles at a time: it holds a lock file in numba's cache folder while it runs
(``--if-idle`` leaves at once when another one holds it), and leaves a stamp there when it
is done (:func:`is_warm`). :func:`start_in_background` starts one detached from the caller:
``circlesim run`` does so on a cold cache and meanwhile runs the same rules uncompiled
(numba's ``NUMBA_DISABLE_JIT``: the same Python code, the same arithmetic, the same results,
only slower), so a first run does not wait for the compiler.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, warm-ups may overlap (harmless)
    fcntl = None  # type: ignore[assignment]

__all__ = ["warm_up", "is_warm", "start_in_background", "wait_until_warm", "log_path", "main"]

LOCK_FILE = "circlesim-warmup.lock"
STAMP_FILE = "circlesim-warm.sha1"
LOG_FILE = "circlesim-warmup.log"


def warm_up() -> float:
    """Run the tiny models; return the seconds it took (compiling included)."""
    import networkx as nx
    import numpy as np

    from . import rules
    from .kernels import MEMBER, PeopleTable, seed_state
    from .model import CommunityModel

    start = time.perf_counter()
    for overrides in (
        {},
        # pruning and invitations every day, paid seeding, overload, a binding cap
        {"pruning": True, "prune_interval": 1, "value_window": 1, "prune_threshold": 2.0,
         "prune_fraction": 0.2, "seeding_budget": 1.0, "reading_capacity": 2.0,
         "initial_members": 30, "max_members": 30, "market_size": 2000},
        {"market_graph": nx.watts_strogatz_graph(300, 6, 0.1, seed=1), "initial_members": 10},
        # more paid exposures on day 1 than the room kept from day 0: the day stops after
        # step 6 for room, and steps 7-8 run as calls of their own
        {"seeding_budget": 50.0, "initial_members": 10},
    ):
        model = CommunityModel(rng=0, **overrides)
        model.run(3)
        model.to_frame()
        model.members_frame()
        model.market.gather_friends(np.arange(3))
    table = PeopleTable()  # the table of touched people, as it grows and is read
    table.set(np.arange(10), MEMBER)
    table.clear(np.arange(5), MEMBER)
    table.get(np.arange(10))
    table.reserve(4096)
    rules.admit_up_to_cap(5, 2, seed_state(np.random.default_rng(0)))  # a binding cap
    return time.perf_counter() - start


def _cache_dir() -> Path | None:
    from .kernels import cache_dir

    return cache_dir()


def is_warm() -> bool:
    """Whether a warm-up finished for the current sources (its stamp holds their digest)."""
    from .kernels import sources_digest

    cache = _cache_dir()
    if cache is None:  # caching off or running uncompiled: nothing to warm
        return True
    try:
        return (cache / STAMP_FILE).read_text() == sources_digest()
    except OSError:
        return False


@contextlib.contextmanager
def _lock(block: bool) -> Iterator[bool]:
    """Hold the warm-up lock while inside; yields whether it was taken (always, if ``block``)."""
    cache = _cache_dir()
    if cache is None or fcntl is None:
        yield True
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle = open(cache / LOCK_FILE, "a")
    except OSError:  # a cache folder it cannot write: no lock (numba compiles in memory)
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_in_background() -> subprocess.Popen | None:
    """Start ``python -m circlesim.warmup --if-idle`` detached from this process (its own
    session: it goes on if the caller ends or is interrupted), its output appended to
    :func:`log_path`; ``None`` when there is no disk cache to warm or it cannot be written
    (then only a compile in the process that runs the model helps)."""
    log = log_path()
    if log is None:
        return None
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            return subprocess.Popen([sys.executable, "-m", "circlesim.warmup", "--if-idle"],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                    start_new_session=True, close_fds=True)
    except OSError:
        return None


def log_path() -> Path | None:
    """Where background warm-ups write what they say (in numba's cache folder)."""
    cache = _cache_dir()
    return None if cache is None else cache / LOG_FILE


def wait_until_warm(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for a warm-up (running, e.g. in the background) to
    finish; return :func:`is_warm`."""
    deadline = time.monotonic() + timeout
    while not is_warm() and time.monotonic() < deadline:
        time.sleep(0.2)
    return is_warm()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m circlesim.warmup",
                                     description="Compile circlesim's engine once, ahead.")
    parser.add_argument("--if-idle", action="store_true",
                        help="leave at once if another warm-up is running")
    args = parser.parse_args(argv)
    with _lock(block=not args.if_idle) as taken:
        if not taken:
            return 0
        seconds = warm_up()
        cache = _cache_dir()
        if cache is not None:
            from .kernels import sources_digest

            with contextlib.suppress(OSError):
                (cache / STAMP_FILE).write_text(sources_digest())
    print(f"circlesim: engine compiled and cached ({seconds:.1f} s; pid {os.getpid()})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
