"""The command line: reproducible files, one-line errors with exit status 2."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from circlesim.cli import main
from test_model import REQUIRED_COLUMNS

CLI = [sys.executable, "-m", "circlesim.cli"]


def run_cli(*args, cwd=None):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path):
    outs = []
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        path = tmp_path / f"{name}.csv"
        result = run_cli("run", "--scenario", "baseline", "--steps", "180", "--seed", seed,
                         "--out", str(path))
        assert result.returncode == 0, result.stderr
        outs.append(path.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]
    frame = pd.read_csv(tmp_path / "a.csv")
    assert set(REQUIRED_COLUMNS) <= set(frame.columns)
    assert len(frame) == 181


@pytest.mark.parametrize("args,key", [
    (["--set", "centre_strength=2"], "centre_strength"),
    (["--set", "no_such_key=1"], "no_such_key"),
    (["--set", "pruning=maybe"], "pruning"),
    (["--set", "share_probability"], "share_probability"),
    (["--steps", "-3"], "--steps"),
    (["--seed", "x"], "--seed"),
    (["--scenario", "no-such-preset"], "no-such-preset"),
    (["--out", "result.xlsx"], "--out"),
    (["--set", "market_graph=/nonexistent/graph.csv"], "market_graph"),
])
def test_bad_input_exits_2_with_one_line_naming_the_key(args, key):
    result = run_cli("run", "--steps", "2", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert key in lines[0]
    assert "Traceback" not in result.stderr


def test_parquet_output_and_members_table(tmp_path, capsys):
    out, members = tmp_path / "run.parquet", tmp_path / "members.csv"
    assert main(["run", "--steps", "20", "--seed", "3", "--out", str(out),
                 "--members-out", str(members)]) == 0
    printed = capsys.readouterr().out
    assert "cost per member: community" in printed
    assert len(pd.read_parquet(out)) == 21
    table = pd.read_csv(members)
    assert {"member_id", "recruiter_id", "joined_step", "left_step", "status"} <= set(table.columns)


def test_scenario_file_path_is_accepted(tmp_path):
    scenario = tmp_path / "mine.toml"
    scenario.write_text('title = "Mine"\nquestion = "?"\nextends = "baseline"\n'
                        '[parameters]\ncentre_strength = 0.9\n')
    out = tmp_path / "mine.csv"
    assert main(["run", "--scenario", str(scenario), "--steps", "5", "--quiet",
                 "--out", str(out)]) == 0
    assert Path(out).exists()


def test_bad_scenario_file_is_one_line(tmp_path, capsys):
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[parameters]\ncentre_strength = 3\n")
    assert main(["run", "--scenario", str(scenario), "--steps", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert "bad.toml" in err and "centre_strength" in err and len(err.splitlines()) == 1


def test_params_lists_every_parameter(capsys):
    from circlesim.parameters import PARAMETERS

    assert main(["params"]) == 0
    printed = capsys.readouterr().out
    assert all(name in printed for name in PARAMETERS)


def test_a_cold_engine_cache_is_announced_before_the_first_run(monkeypatch, capsys):
    from circlesim import CommunityModel, cli, kernels

    CommunityModel(rng=0).run(1)
    assert kernels.engine_compiled()  # the compiled day is on disk (numba's file names)
    assert main(["run", "--steps", "1", "--quiet"]) == 0
    assert "compiling" not in capsys.readouterr().err
    monkeypatch.setattr(kernels, "engine_compiled", lambda: False)  # as on a fresh install
    monkeypatch.setattr(cli, "_cpus", lambda: 1)  # no second core to compile in the background
    assert main(["params"]) == 0  # runs no model: says nothing
    assert "compiling" not in capsys.readouterr().err
    assert main(["run", "--steps", "1", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("circlesim: compiling the engine first") and err.count("\n") == 1


class _Compiler:
    """Stands for the background warm-up's process: running, or ended with ``status``."""

    def __init__(self, status=None):
        self.status = status

    def poll(self):
        return self.status


def _cold_cache(monkeypatch, compiled_after=None, compiler=_Compiler()):
    """As on a fresh install with two cores: the compiled day is not on disk (until
    ``compiled_after`` seconds from now, as if a background compile finished then); the
    background warm-up is only recorded (``compiler`` stands for it), not started."""
    import time

    from circlesim import cli, kernels, warmup

    started = []
    since = time.monotonic()
    monkeypatch.setattr(warmup, "start_in_background",
                        lambda: started.append(True) or compiler)
    monkeypatch.setattr(kernels, "engine_compiled", lambda: compiled_after is not None
                        and time.monotonic() - since > compiled_after)
    monkeypatch.setattr(cli, "_cpus", lambda: 2)
    return started


def _compiled_csv(path, steps, **overrides):
    from circlesim import CommunityModel
    from circlesim.cli import write_table

    model = CommunityModel("baseline", rng=0, **overrides)
    model.run(steps)
    write_table(model.to_frame(), str(path))
    return path.read_bytes()


def test_on_a_cold_cache_the_first_run_goes_uncompiled_while_the_engine_compiles(
        monkeypatch, capfd, tmp_path):
    started = _cold_cache(monkeypatch)
    out = tmp_path / "uncompiled.csv"
    assert main(["run", "--steps", "40", "--out", str(out)]) == 0
    printed = capfd.readouterr()
    assert started == [True]  # the compile went to the background
    assert printed.err.startswith("circlesim: the engine is not compiled yet; it compiles in "
                                  "the background")
    assert "members now (peak)" in printed.out  # the child's summary, passed on
    assert out.read_bytes() == _compiled_csv(tmp_path / "compiled.csv", 40)  # same bits


def test_a_long_first_run_starts_again_compiled_once_the_engine_is(monkeypatch, capfd,
                                                                   tmp_path):
    _cold_cache(monkeypatch, compiled_after=1.0)
    out = tmp_path / "run.csv"
    # uncompiled, 2,000 days of a capped group would take minutes; compiled, well under one
    args = ["run", "--steps", "2000", "--quiet", "--out", str(out), "--set", "max_members=150"]
    assert main(args) == 0
    err = capfd.readouterr().err
    assert "the engine is compiled; the run starts again, compiled" in err
    assert out.read_bytes() == _compiled_csv(tmp_path / "compiled.csv", 2000, max_members=150)


@pytest.mark.parametrize("compiler, says", [
    (None, "circlesim: compiling the engine first"),  # no cache folder it can write to
    (_Compiler(status=1), "the background compile failed"),  # it crashed
])
def test_without_a_background_compile_the_run_compiles_here(monkeypatch, capfd, tmp_path,
                                                             compiler, says):
    _cold_cache(monkeypatch, compiler=compiler)
    out = tmp_path / "run.csv"
    assert main(["run", "--steps", "30", "--quiet", "--out", str(out)]) == 0
    assert says in capfd.readouterr().err
    assert out.read_bytes() == _compiled_csv(tmp_path / "compiled.csv", 30)


def test_on_a_cold_cache_bad_input_is_one_line_and_starts_nothing(monkeypatch, capfd,
                                                                  tmp_path):
    started = _cold_cache(monkeypatch)
    assert main(["run", "--set", "market_size=-5"]) == 2
    assert main(["run", "--set", "seeding_budget=1e9", "--set",
                 "cost_per_seeded_exposure=0.0001", "--memory-limit", "1G"]) == 2
    assert main(["run", "--out", str(tmp_path / "no" / "such" / "folder.csv")]) == 2
    err = capfd.readouterr().err
    assert started == [] and len(err.strip().splitlines()) == 3, err
    assert "Traceback" not in err


