"""Every bad input of issue 11 is one line on stderr and exit status 2, never a traceback.

The table is tests/hardening/repro_cases.txt (also run as subprocesses by
scripts/repro-bad-inputs); here each case runs in-process through ``circlesim.cli.main``, so a
traceback fails the test with the exception itself. Then the behaviour behind the fixes:
outputs refused before the run, relative scenario paths, damaged sweep folders set aside, the
runner registry, the silent coercions, the one whole-number parser and the one t-interval.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from circlesim.cli import main
from circlesim.errors import UsageError, parse_whole_number

from .conftest import REPRO, child_env

CASES = [c for c in REPRO.parse_cases() if c[2] is None]  # stdout redirections: see below
SMALL = ["--set", "market_size=200", "--set", "initial_members=5"]


@pytest.mark.parametrize("name,args,stdout,expect", CASES, ids=[c[0] for c in CASES])
def test_reproduction_is_one_line_and_exit_2(name, args, stdout, expect, repro_folder,
                                             monkeypatch, capsys):
    monkeypatch.chdir(repro_folder)
    status = main(args)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("circlesim"), lines
    assert "Traceback" not in err
    if expect:
        assert expect in lines[0]


@pytest.mark.parametrize("command", [["scenarios"], ["params"]])
def test_writing_to_a_full_disk_is_one_line(command, tmp_path):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "circlesim", *command], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=child_env(), timeout=120)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "No space left" in proc.stderr


# ------------------------------------------------------------------------ outputs of `run`
@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if a model is built: outputs must be refused before the run."""
    import circlesim.model

    def refuse(*args, **kwargs):
        raise AssertionError("the run started before its outputs were checked")

    monkeypatch.setattr(circlesim.model, "CommunityModel", refuse)


@pytest.mark.parametrize("flags,words", [
    (["--out", "{d}/d.csv"], ["--out", "is a directory"]),
    (["--out", "{d}/no/such/x.csv"], ["--out", "does not exist"]),
    (["--out", "/sys/circlesim-x.parquet"], ["--out", "cannot write"]),
    (["--out", "{d}/s.csv", "--members-out", "{d}/s.csv"], ["--members-out", "same file"]),
    (["--members-out", "{d}/f.txt/x.csv"], ["--members-out", "not a folder"]),
])
def test_run_outputs_are_refused_before_the_run(flags, words, tmp_path, no_model, capsys):
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "d.csv").mkdir()
    argv = ["run", "--steps", "1"] + [f.format(d=tmp_path) for f in flags]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    for word in words:
        assert word in err


def test_a_failed_write_leaves_the_old_file(tmp_path):
    from circlesim.errors import atomic_write

    target = tmp_path / "t.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk gone")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


# ------------------------------------------------------------------------ scenario files
def test_relative_extends_and_market_graph_follow_the_file_not_the_cwd(tmp_path, monkeypatch):
    from circlesim.scenarios import load_scenario

    folder = tmp_path / "lesson"
    folder.mkdir()
    (folder / "graph.csv").write_text("source,target\n1,2\n2,3\n3,1\n3,4\n")
    (folder / "parent.toml").write_text('title = "P"\n[parameters]\nmarket_graph = "graph.csv"\n'
                                        "initial_members = 2\n")
    (folder / "child.toml").write_text('extends = "parent.toml"\n[parameters]\n'
                                       "centre_strength = 0.9\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    scenario = load_scenario(str(folder / "child.toml"))
    assert scenario.parameters["market_graph"] == str(folder.resolve() / "graph.csv")
    assert scenario.parameters["centre_strength"] == 0.9
    from circlesim import CommunityModel

    model = CommunityModel(scenario=str(folder / "child.toml"), rng=1)
    assert model.market.size == 4


def test_extends_chain_and_nesting_have_limits(tmp_path):
    from circlesim.scenarios import MAX_EXTENDS, ScenarioError, load_scenario

    for i in range(MAX_EXTENDS + 5):
        (tmp_path / f"c{i}.toml").write_text(f'extends = "c{i + 1}.toml"\n')
    (tmp_path / f"c{MAX_EXTENDS + 5}.toml").write_text('title = "end"\n')
    with pytest.raises(ScenarioError, match=f"longer than {MAX_EXTENDS}") as err:
        load_scenario(str(tmp_path / "c0.toml"))
    assert str(err.value).startswith(str(tmp_path / "c0.toml"))
    assert load_scenario(str(tmp_path / f"c{MAX_EXTENDS // 2 + 10}.toml")).title == \
        f"c{MAX_EXTENDS // 2 + 10}"
    (tmp_path / "deep.toml").write_text("[parameters]\ninitial_people = " + "[" * 40 + "1"
                                        + "]" * 40 + "\n")
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load_scenario(str(tmp_path / "deep.toml"))


# ------------------------------------------------------------------------ silent coercions
@pytest.mark.parametrize("kwargs,key", [
    ({"initial_people": "12"}, "initial_people"),
    ({"initial_people": b"12"}, "initial_people"),
    ({"initial_people": [1.5, 2]}, "initial_people"),
    ({"initial_people": [True]}, "initial_people"),
    ({"initial_people": list(range(30)), "max_members": 10}, "initial_people"),
])
def test_coercions_are_errors(kwargs, key):
    from circlesim import CommunityModel
    from circlesim.parameters import ParameterError

    with pytest.raises(ParameterError) as err:
        CommunityModel(rng=1, market_size=200, **kwargs)
    assert err.value.key == key and "\n" not in str(err.value)


def test_initial_people_as_a_list_still_works():
    from circlesim import CommunityModel

    model = CommunityModel(rng=1, market_size=200, initial_people=[3, 4, 5])
    assert model.member_count == 3


# ------------------------------------------------------------------------ sweeps
def _small_sweep(out: Path) -> int:
    from circlesim.sweep.cli import main as sweep_main

    return sweep_main(["sweep", "--steps", "2", "--seed", "1", "-r", "2", *SMALL,
                       "--workers", "1", "--no-progress", "--out", str(out)])


def test_damaged_runs_parquet_is_set_aside_named_and_redone(tmp_path, capsys):
    from circlesim.sweep import load_results

    out = tmp_path / "s"
    assert _small_sweep(out) == 0
    before = load_results(out)
    data = (out / "runs.parquet").read_bytes()
    (out / "runs.parquet").write_bytes(data[: len(data) // 3])
    capsys.readouterr()
    assert main(["report", str(out), "--no-charts"]) == 2
    err = capsys.readouterr().err
    assert "runs.parquet" in err and "damaged" in err and len(err.strip().splitlines()) == 1
    assert _small_sweep(out) == 0
    captured = capsys.readouterr()
    assert "runs.parquet is damaged" in captured.err and "set aside" in captured.err
    assert "2 executed now" in captured.out
    assert len(list(out.glob("runs.parquet.damaged-*"))) == 1
    after = load_results(out)
    assert after.equals(before)


def test_unregistered_runner_needs_allow_code(tmp_path):
    from circlesim.sweep.runners import RUNNERS
    from circlesim.sweep.spec import SpecError, spec_from_text

    with pytest.raises(SpecError, match="--allow-code"):
        spec_from_text('runner = "os:system"\n')
    assert spec_from_text('runner = "os:system"\n', allow_code=True).runner == "os:system"
    assert spec_from_text('runner = "model"\n').runner == RUNNERS["model"]
    assert spec_from_text(f'runner = "{RUNNERS["model"]}"\n').runner == RUNNERS["model"]
    with pytest.raises(SpecError, match="registered"):
        spec_from_text('runner = "rm -rf"\n', allow_code=True)


def test_manifest_shapes_are_checked(tmp_path):
    from circlesim.sweep.store import DamagedResults, ResultStore

    store = ResultStore(tmp_path)
    for text in ("", "{", "[]", '"x"', '{"runs": []}', '{"runs": {"a": 1}}',
                 '{"runs": {}, "spec": {"grid": [1]}}', '{"runs": {}, "root_seed": "x"}',
                 '{"runs": {}, "spec": {"design": {"ranges": {}}}}'):
        (tmp_path / "manifest.json").write_text(text)
        with pytest.raises(DamagedResults, match="manifest.json"):
            store.load_manifest()


# ------------------------------------------------------------------------ one parser, one CI
@pytest.mark.parametrize("text,low,high,value", [
    ("7", 0, None, 7), (" 1_000 ", 0, None, 1000), ("0", 0, 10, 0), (5, 1, 9, 5),
    ("-1", 0, None, None), ("2.9", 0, None, None), ("inf", 0, None, None), ("", 0, None, None),
    ("1e3", 0, None, None), ("11", 0, 10, None), (True, 0, None, None), ("9" * 5000, 0, None, None),
])
def test_the_one_whole_number_parser(text, low, high, value):
    if value is None:
        with pytest.raises(UsageError) as err:
            parse_whole_number(text, "--n", low, high)
        assert str(err.value).startswith("--n") and "whole number" in str(err.value)
        assert len(str(err.value)) < 200
    else:
        assert parse_whole_number(text, "--n", low, high) == value


def test_the_one_t_interval():
    from scipy import stats as st

    from circlesim.stats import half_width, mean_ci, welch_diff
    from circlesim.sweep.report import ci_half_width
    from circlesim.validation.stats import mean_ci as validation_mean_ci

    x = np.array([3.0, 5.0, 4.0, 8.0, np.nan])
    lo, hi = st.t.interval(0.95, 3, loc=5.0, scale=st.sem([3.0, 5.0, 4.0, 8.0]))
    est = mean_ci(x)
    assert validation_mean_ci is mean_ci
    assert math.isclose(est.low, lo) and math.isclose(est.high, hi) and est.n == 4
    assert math.isclose(ci_half_width(x), (hi - lo) / 2)
    assert math.isnan(half_width(1.0, 1)) and math.isnan(mean_ci([1.0]).half)
    res = st.ttest_ind([1, 2, 3, 4.0], [2, 4, 6, 9.0], equal_var=False)
    ci = res.confidence_interval(0.95)
    d = welch_diff([2, 4, 6, 9.0], [1, 2, 3, 4.0])  # mean(b) - mean(a)
    assert math.isclose(d.low, ci.low) and math.isclose(d.high, ci.high)


def test_one_usage_error_class_and_id_columns():
    import circlesim.cli
    import circlesim.errors
    import circlesim.sweep.cli
    import circlesim.sweep.store
    import circlesim.sweep.worker

    assert circlesim.cli.UsageError is circlesim.errors.UsageError
    assert circlesim.sweep.cli.UsageError is circlesim.errors.UsageError
    assert circlesim.sweep.worker.ID_COLUMNS is circlesim.sweep.store.ID_COLUMNS
    assert not hasattr(circlesim.sweep.cli, "_int_type")


def test_plugin_errors_take_the_same_path(monkeypatch, capsys):
    """A plug-in command's UsageError / ParameterError is one line and exit 2 too."""
    import circlesim.cli
    from circlesim.parameters import ParameterError

    module = type(sys)("circlesim_fake_plugin")

    def register(sub):
        p = sub.add_parser("fake")
        p.add_argument("--n", type=circlesim.cli.whole_number(1, 5))
        p.add_argument("--key", default="")
        p.set_defaults(handler=lambda a: (_ for _ in ()).throw(
            ParameterError("k", "k=1 is invalid: allowed 2")) if a.key == "p" else
            (_ for _ in ()).throw(UsageError("--key x: allowed y")))

    module.register = register
    monkeypatch.setitem(sys.modules, "circlesim_fake_plugin", module)
    monkeypatch.setattr(circlesim.cli, "_PLUGINS", (*circlesim.cli._PLUGINS,
                                                    "circlesim_fake_plugin"))
    for argv, text in ((["fake", "--n", "9"], "--n"), (["fake", "--key", "p"], "k=1"),
                       (["fake"], "--key x")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert text in err and len(err.strip().splitlines()) == 1
