"""Runners used by the tests, importable by worker processes (see conftest's sys.path)."""

from __future__ import annotations

import time

from circlesim.sweep.worker import run_model


def faulty(scenario, overrides, seed, steps):
    """Raises for centre_strength == 0.5 (an injected fault), else a normal run."""
    if overrides.get("centre_strength") == 0.5:
        raise RuntimeError("injected fault for centre_strength=0.5")
    return run_model(scenario, overrides, seed, steps)


def slow(scenario, overrides, seed, steps):
    """A normal run that takes at least 0.25 s (so a sweep can be killed partway)."""
    time.sleep(0.25)
    return run_model(scenario, overrides, seed, steps)


def crashing(scenario, overrides, seed, steps):
    """The worker process dies (as if killed or out of memory) for centre_strength == 0.5."""
    if overrides.get("centre_strength") == 0.5:
        import os

        os._exit(3)
    return run_model(scenario, overrides, seed, steps)


def extra_column(scenario, overrides, seed, steps):
    """A normal run, with one more column when centre_strength == 0.8 (tables that differ)."""
    frame = run_model(scenario, overrides, seed, steps)
    if overrides.get("centre_strength") == 0.8:
        frame["extra"] = 1.5
    return frame


def plain(scenario, overrides, seed, steps):
    """The built-in runner under another name (so runs take the DataFrame path)."""
    return run_model(scenario, overrides, seed, steps)


def whose(task):
    """An executor task: which process ran it (after 10 ms of work)."""
    import os

    time.sleep(0.01)
    return {"run_id": task["run_id"], "pid": os.getpid()}
