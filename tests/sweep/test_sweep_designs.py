"""Issue 3, acceptance 5: Sobol and Morris designs end to end; reports and compare."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from .conftest import SMALL, run_cli

RANGES = ["centre_strength=0.1:0.9", "share_probability=0.01:0.2", "join_probability=0.01:0.3"]


def _flags():
    flags = [x for s in SMALL for x in ("--set", s)]
    return flags + [x for r in RANGES for x in ("--range", r)] + ["--no-progress", "--seed", "3"]


@pytest.mark.parametrize("method, samples, rows, indices", [
    ("sobol", 8, 8 * (3 + 2), {"S1", "ST"}),
    ("morris", 4, 4 * (3 + 1), {"mu", "mu_star", "sigma"}),
])
def test_design_end_to_end(tmp_path, method, samples, rows, indices):
    out = tmp_path / method
    code, stdout, stderr = run_cli(["sweep", "--design", method, "--samples", str(samples),
                                    "--steps", "12", *_flags(), "--out", str(out)])
    assert code == 0, stderr
    assert f"{rows}/{rows} runs done" in stdout
    assert "sensitivity" in stdout
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["parameter"]) == {r.split("=")[0] for r in RANGES}
    assert set(table["index"]) == indices
    assert table["value"].notna().any()
    info = json.loads((out / "sensitivity.json").read_text())
    assert info["method"] == method and info["rows"] == rows and info["status"] == "done"
    df = pd.read_parquet(out / "runs.parquet")
    assert df["run_id"].nunique() == rows
    assert df["centre_strength"].between(0.1, 0.9).all()

    code, stdout, stderr = run_cli(["report", str(out)])
    assert code == 0, stderr
    assert (out / "report" / "sensitivity.png").stat().st_size > 5000
    assert (out / "report" / "timeseries.png").stat().st_size > 5000


def test_sobol_needs_power_of_two():
    code, _, err = run_cli(["sweep", "--design", "sobol", "--samples", "10", *_flags(),
                            "--dry-run"])
    assert code == 2 and "power of two" in err and "try 8 or 16" in err


def test_report_table_and_compare(tmp_path):
    flags = [x for s in SMALL for x in ("--set", s)]
    out = tmp_path / "cmp"
    # a user's own scenario file works anywhere a preset name does
    strong = tmp_path / "strong-centre.toml"
    strong.write_text('title = "Strong centre"\nquestion = "What if the organiser is tied to '
                      'everyone?"\nextends = "baseline"\n[parameters]\ncentre_strength = 1.0\n')
    code, stdout, stderr = run_cli(["compare", "baseline", str(strong), "--replications", "3",
                                    "--steps", "10", "--seed", "1", "--no-progress",
                                    "--out", str(out), *flags])
    assert code == 0, stderr
    assert "baseline" in stdout and "strong-centre" in stdout
    assert "difference strong-centre - baseline" in stdout
    assert "±" in stdout
    summary = pd.read_csv(out / "report" / "summary.csv")
    assert list(summary["scenario"]) == ["baseline", "strong-centre"]
    assert (summary["n"] == 3).all()
    for m in ["members", "mean_engagement", "unique_reach", "cost_per_member"]:
        assert f"{m}_mean" in summary and f"{m}_ci95" in summary
    assert (out / "report" / "timeseries.png").exists()


def test_report_of_missing_dir_is_one_line(tmp_path):
    code, _, err = run_cli(["report", str(tmp_path / "nope")])
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no such results" in err


def test_main_circlesim_command_has_the_subcommands(capsys):
    from circlesim.cli import main

    assert main(["sweep", "--grid", "centre_strength=0.2,0.8", "--replications", "3",
                 "--steps", "30", "--seed", "1", "--dry-run"]) == 0
    assert "6 runs" in capsys.readouterr().out
    code = main(["sweep", "--grid", "centre_strenght=0.2", "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and "did you mean 'centre_strength'" in err
    assert len(err.strip().splitlines()) == 1
