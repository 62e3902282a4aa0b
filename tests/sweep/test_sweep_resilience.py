"""Issue 3, acceptance 3 and 4: SIGKILL partway then resume; a failing run does not stop others."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from circlesim.sweep import apply_flags, load_results, run_sweep

from .conftest import SMALL_SET, run_cli, subprocess_env

SPEC = """
name = "killed"
scenario = "baseline"
replications = 4
steps = 10
seed = 5
runner = "sweep_test_runners:slow"

[set]
market_size = {market_size}
initial_members = {initial_members}

[grid]
centre_strength = [0.2, 0.4, 0.6, 0.8]
"""


def _wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_sigkill_partway_then_resume(tmp_path):
    spec = tmp_path / "killed.toml"
    spec.write_text(SPEC.format(**SMALL_SET))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "circlesim.sweep", "sweep", str(spec), "--workers", "2",
           "--no-progress", "--allow-code", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=subprocess_env())
    try:
        parts = out / "parts"
        assert _wait_for(lambda: parts.is_dir() and len(list(parts.glob("part-*"))) >= 3, 60), \
            proc.stderr.read1().decode() if proc.poll() is not None else "no parts appeared"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers, mid-flight
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # what a kill leaves behind is readable, and covers only some of the runs
    committed = set()
    for f in (out / "parts").glob("part-*.parquet"):
        committed |= set(pq.read_table(f).column("run_id").to_pylist())
    json.loads((out / "manifest.json").read_text())
    assert 3 <= len(committed) < 16

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False,
                          env=subprocess_env())
    assert done.returncode == 0, done.stderr
    assert f"{16 - len(committed)} executed now, {len(committed)} reused" in done.stdout

    table = pq.read_table(out / "runs.parquet")
    df = table.to_pandas()
    assert df["run_id"].nunique() == 16
    assert df.groupby("run_id").size().eq(11).all()  # every run exactly once
    assert not df.duplicated(["run_id", "step"]).any()
    assert not list((out / "parts").glob("*"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert [r["status"] for r in manifest["runs"].values()] == ["done"] * 16


def test_failed_run_is_recorded_and_others_complete(tmp_path):
    spec = apply_flags(None, grid=["centre_strength=0.2,0.5,0.8"], replications=2, steps=8,
                       seed=2, sets=[f"{k}={v}" for k, v in SMALL_SET.items()])
    from dataclasses import replace

    faulty = replace(spec, runner="sweep_test_runners:faulty")
    result = run_sweep(faulty, tmp_path, workers=2, progress=False, log=lambda m: None)
    assert (result.done, result.failed) == (4, 2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    failed = {k: v for k, v in manifest["runs"].items() if v["status"] == "failed"}
    assert len(failed) == 2
    for info in failed.values():
        assert info["overrides"]["centre_strength"] == 0.5
        assert info["error"] == "RuntimeError: injected fault for centre_strength=0.5"
        assert "Traceback" in info["traceback"]
    df = load_results(tmp_path)
    assert df["run_id"].nunique() == 4 and set(df["centre_strength"]) == {0.2, 0.8}

    # the CLI reports it with exit status 1; fixing the fault and rerunning runs only those 2
    again = run_sweep(spec, tmp_path, workers=1, progress=False, log=lambda m: None)
    assert (again.executed, again.done, again.failed) == (2, 6, 0)
    assert load_results(tmp_path)["run_id"].nunique() == 6


def test_worker_that_dies_fails_only_its_own_run(tmp_path):
    from dataclasses import replace

    spec = apply_flags(None, grid=["centre_strength=0.2,0.5,0.8"], replications=2, steps=5,
                       seed=2, sets=[f"{k}={v}" for k, v in SMALL_SET.items()])
    result = run_sweep(replace(spec, runner="sweep_test_runners:crashing"), tmp_path, workers=2,
                       progress=False, log=lambda m: None)
    assert (result.done, result.failed) == (4, 2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for info in manifest["runs"].values():
        if info["overrides"]["centre_strength"] == 0.5:
            assert info["status"] == "failed" and "worker process died" in info["error"]
        else:
            assert info["status"] == "done"


def test_cli_exit_status_1_when_runs_fail(tmp_path):
    spec = tmp_path / "f.toml"
    spec.write_text('runner = "sweep_test_runners:faulty"\nsteps = 3\nseed = 1\n'
                    '[set]\nmarket_size = 2000\ninitial_members = 20\n'
                    '[grid]\ncentre_strength = [0.5, 0.9]\n')
    code, out, err = run_cli(["sweep", str(spec), "--workers", "1", "--no-progress",
                              "--out", str(tmp_path / "o")])
    assert code == 2 and "--allow-code" in err and "sweep_test_runners:faulty" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "o").exists()
    code, out, err = run_cli(["sweep", str(spec), "--workers", "1", "--no-progress",
                              "--allow-code", "--out", str(tmp_path / "o")])
    assert code == 1
    assert "1 failed" in out and "injected fault" in err and "Traceback" not in err


def test_second_writer_is_refused(tmp_path):
    from circlesim.sweep.store import ResultStore

    store = ResultStore(tmp_path)
    store.prepare()
    held = store.lock()
    try:
        code, _, err = run_cli(["sweep", "--steps", "2", "--seed", "1", "--no-progress",
                                "--set", "market_size=2000", "--out", str(tmp_path)])
    finally:
        held.close()
    assert code == 2 and "another sweep is writing" in err
    assert len(err.strip().splitlines()) == 1


def test_unreachable_scheduler_is_one_line(tmp_path):
    code, _, err = run_cli(["sweep", "--steps", "2", "--seed", "1", "--no-progress",
                            "--scheduler", "http://nope", "--out", str(tmp_path)])
    assert code == 2 and "tcp://HOST:PORT" in err and len(err.strip().splitlines()) == 1


def test_dask_worker_that_dies_fails_only_its_own_run(tmp_path):
    """On Dask too, the run that kills its worker is retried alone and only it is failed."""
    from dataclasses import replace

    distributed = pytest.importorskip("distributed")
    import dask

    spec = apply_flags(None, grid=["centre_strength=0.2,0.5,0.8"], replications=2, steps=3,
                       seed=2, sets=[f"{k}={v}" for k, v in SMALL_SET.items()])
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=3, processes=True,
                                     dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = run_sweep(replace(spec, runner="sweep_test_runners:crashing"), tmp_path,
                           client=client, progress=False, log=lambda m: None)
    assert (result.done, result.failed) == (4, 2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for info in manifest["runs"].values():
        assert info["status"] == ("failed" if info["overrides"]["centre_strength"] == 0.5
                                  else "done"), info
