"""Shared helpers for the sweep tests (short runs, small markets: the suite stays fast)."""

from __future__ import annotations

import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# test runners (fault injection, slow runs) must be importable in worker processes too
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def subprocess_env() -> dict:
    """Environment for a child ``python -m circlesim.sweep`` that can import the test runners."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(HERE)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    return env

# small and short: enough to exercise every code path
SMALL = ["market_size=2000", "initial_members=20"]
SMALL_SET = {"market_size": 2000, "initial_members": 20}


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """Run ``python -m circlesim.sweep ARGV`` in this process; (status, stdout, stderr)."""
    from circlesim.sweep.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # pragma: no cover - main() should return
            code = exc.code
    return int(code or 0), out.getvalue(), err.getvalue()


@pytest.fixture
def small_flags() -> list[str]:
    flags: list[str] = []
    for s in SMALL:
        flags += ["--set", s]
    return flags + ["--no-progress"]
