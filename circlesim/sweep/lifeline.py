"""Worker processes die with the sweep that started them (no orphans after a ``kill -9``).

A local pool's workers are forked by a forkserver, not by the sweep process, and they hold the
pool's pipes open themselves, so when the sweep process is killed outright nothing tells them:
they (and the resource tracker they keep alive) would sit there for ever. Each worker therefore
runs :func:`worker_init`: a daemon thread that checks twice a second whether the sweep process
is still alive (same pid *and* same start time, so a recycled pid does not fool it; a zombie
counts as dead) and ends the worker if not; on Linux the worker also asks the kernel
(``prctl(PR_SET_PDEATHSIG)``) to kill it when its own parent, the forkserver, exits.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["identity", "is_alive", "worker_init"]

POLL_SECONDS = 0.5


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of ``pid`` from /proc, or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError:
        return ("?", "?")
    fields = text[text.rfind(")") + 2:].split()
    return (fields[0], fields[19]) if len(fields) > 19 else ("?", "?")


def identity(pid: int | None = None) -> tuple[int, str | None]:
    """(pid, start time) of a process (this one by default), to recognise it later."""
    pid = os.getpid() if pid is None else pid
    st = _stat(pid) if os.path.isdir("/proc") else None
    return pid, (st[1] if st else None)


def is_alive(pid: int, start: str | None) -> bool:
    """Is the process ``(pid, start)`` still running (not gone, not a zombie, not recycled)?"""
    if start is not None:
        st = _stat(pid)
        if st is None or st[0] in ("Z", "X", "x"):
            return False
        return st[1] == start or st[1] == "?"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _set_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _watch(pid: int, start: str | None, interval: float) -> None:
    while True:
        time.sleep(interval)
        if not is_alive(pid, start):
            os._exit(70)


def worker_init(pid: int, start: str | None, interval: float = POLL_SECONDS) -> None:
    """Pool initializer: end this worker as soon as the process ``(pid, start)`` is gone."""
    _set_parent_death_signal()
    if not is_alive(pid, start):
        os._exit(70)
    threading.Thread(target=_watch, args=(pid, start, interval), daemon=True,
                     name="circlesim-lifeline").start()
