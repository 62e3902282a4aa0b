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
    from circlesim import CommunityModel, kernels

    CommunityModel(rng=0).run(1)
    assert kernels.engine_compiled()  # the compiled day is on disk (numba's file names)
    assert main(["run", "--steps", "1", "--quiet"]) == 0
    assert "compiling" not in capsys.readouterr().err
    monkeypatch.setattr(kernels, "engine_compiled", lambda: False)  # as on a fresh install
    assert main(["params"]) == 0  # runs no model: says nothing
    assert "compiling" not in capsys.readouterr().err
    assert main(["run", "--steps", "1", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("circlesim: compiling the engine first") and err.count("\n") == 1
