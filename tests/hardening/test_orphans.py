"""kill -9 of a sweep's parent leaves no process behind (issue 11, item 4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from circlesim.sweep.lifeline import identity, is_alive

ROOT = Path(__file__).resolve().parents[2]
RUNNERS = ROOT / "tests" / "sweep"

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc (Linux)")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, grandchildren, ...)."""
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            try:
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    kids = [int(x) for x in fh.read().split()]
            except OSError:
                continue
            for k in kids:
                if k not in out:
                    out.add(k)
                    todo.append(k)
    return out


def test_kill_9_of_the_parent_leaves_no_process_within_10_s(tmp_path):
    spec = tmp_path / "slow.toml"
    spec.write_text('runner = "sweep_test_runners:slow"\nsteps = 2\nseed = 1\nreplications = 40\n'
                    "[set]\nmarket_size = 200\ninitial_members = 5\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(RUNNERS), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-m", "circlesim", "sweep", str(spec), "--workers",
                             "2", "--allow-code", "--no-progress", "--out", str(tmp_path / "o")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        kids: set[int] = set()
        while time.monotonic() < deadline:  # forkserver + resource tracker + 2 workers
            kids = descendants(proc.pid)
            if len(kids) >= 4 and any((tmp_path / "o" / "parts").glob("part-*")):
                break
            assert proc.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.1)
        assert len(kids) >= 3, f"expected a forkserver, workers and a tracker, saw {kids}"
        known = [identity(k) for k in kids]
        os.kill(proc.pid, signal.SIGKILL)  # only the parent
        proc.wait(timeout=10)
        end = time.monotonic() + 10
        while time.monotonic() < end and any(is_alive(*k) for k in known):
            time.sleep(0.1)
        left = [k[0] for k in known if is_alive(*k)]
        assert not left, f"still running 10 s after kill -9 of the parent: {left}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # clean up whatever a failure left
        except ProcessLookupError:
            pass
