"""Issue 3, acceptance 2: 6 runs x 31 rows, resume runs nothing, same results on any backend."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from circlesim.sweep import apply_flags, load_results, run_sweep, summary_table

from .conftest import SMALL, run_cli

ARGS = ["--scenario", "baseline", "--grid", "centre_strength=0.2,0.8", "--replications", "3",
        "--steps", "30", "--seed", "7"]


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["run_id", "step"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def d1(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "d1"
    flags = [x for s in SMALL for x in ("--set", s)]
    code, _, stderr = run_cli(["sweep", *ARGS, *flags, "--workers", "2", "--no-progress",
                               "--out", str(out)])
    assert code == 0, stderr
    return out, flags


def test_six_runs_of_31_rows(d1):
    out, _ = d1
    table = pq.read_table(out / "runs.parquet")
    df = table.to_pandas()
    assert df["run_id"].nunique() == 6
    assert df.groupby("run_id").size().tolist() == [31] * 6  # day 0..30 inclusive
    assert sorted(df["step"].unique()) == list(range(31))
    for col in ["run_id", "scenario", "point", "replication", "centre_strength", "seed", "step",
                "members", "mean_engagement", "unique_reach", "cost_per_member", "spend"]:
        assert col in df.columns, col
    assert sorted(df["centre_strength"].unique()) == [0.2, 0.8]
    assert df.groupby("run_id")["seed"].nunique().eq(1).all()
    assert df.drop_duplicates("run_id")["seed"].nunique() == 6
    assert not list((out / "parts").glob("*.parquet"))  # folded into runs.parquet
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 7
    assert manifest["spec"]["grid"] == {"centre_strength": [0.2, 0.8]}
    assert {r["status"] for r in manifest["runs"].values()} == {"done"}
    assert "mesa" in manifest["versions"] and "numpy" in manifest["versions"]


def test_rerun_executes_nothing(d1):
    out, flags = d1
    before = (out / "runs.parquet").read_bytes()
    code, stdout, stderr = run_cli(["sweep", *ARGS, *flags, "--no-progress", "--out", str(out)])
    assert code == 0, stderr
    assert "0 executed now, 6 reused" in stdout
    assert (out / "runs.parquet").read_bytes() == before


def test_same_results_for_workers_1_2_and_dask(d1, tmp_path):
    out, flags = d1
    reference = _sorted(load_results(out))
    code, _, stderr = run_cli(["sweep", *ARGS, *flags, "--workers", "1", "--no-progress",
                               "--out", str(tmp_path / "w1")])
    assert code == 0, stderr
    pd.testing.assert_frame_equal(_sorted(load_results(tmp_path / "w1")), reference)

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        code, _, stderr = run_cli(["sweep", *ARGS, *flags, "--no-progress",
                                   "--scheduler", cluster.scheduler_address,
                                   "--out", str(tmp_path / "dask")])
    assert code == 0, stderr
    pd.testing.assert_frame_equal(_sorted(load_results(tmp_path / "dask")), reference)


def test_seeds_follow_identity_not_order():
    a = apply_flags(None, grid=["centre_strength=0.2,0.5,0.8"], replications=2, seed=3, steps=5)
    b = apply_flags(None, grid=["centre_strength=0.8,0.2"], replications=3, seed=3, steps=5)
    seeds_a = {(r.overrides["centre_strength"], r.replication): r.seed for r in a.plan()}
    seeds_b = {(r.overrides["centre_strength"], r.replication): r.seed for r in b.plan()}
    for key in set(seeds_a) & set(seeds_b):
        assert seeds_a[key] == seeds_b[key]
    ids_a = {r.run_id for r in a.plan()}
    assert len(ids_a) == 6
    c = apply_flags(None, grid=["centre_strength=0.2,0.5,0.8"], replications=2, seed=4, steps=5)
    assert {r.seed for r in c.plan()}.isdisjoint({r.seed for r in a.plan()})


def test_grown_sweep_reuses_existing_runs(tmp_path):
    base = {"scenarios": ["baseline"], "sets": SMALL, "steps": 5, "seed": 11}
    first = run_sweep(apply_flags(None, grid=["centre_strength=0.2"], replications=2, **base),
                      tmp_path, workers=1, progress=False, log=lambda m: None)
    assert first.executed == 2
    more = run_sweep(apply_flags(None, grid=["centre_strength=0.2,0.6"], replications=3, **base),
                     tmp_path, workers=1, progress=False, log=lambda m: None)
    assert (more.skipped, more.executed) == (2, 4)
    df = load_results(tmp_path)
    assert df["run_id"].nunique() == 6 and len(df) == 6 * 6
    table = summary_table(tmp_path)
    assert list(table["setting"]) == ["centre_strength=0.2", "centre_strength=0.6"]
    assert list(table["n"]) == [3, 3]

    # other fixed values are other runs: they are added, and the report shows the current ones
    other = {**base, "sets": ["market_size=2500", "initial_members=20"]}
    changed = run_sweep(apply_flags(None, grid=["centre_strength=0.2"], replications=2, **other),
                        tmp_path, workers=1, progress=False, log=lambda m: None)
    assert changed.executed == 2
    assert load_results(tmp_path)["run_id"].nunique() == 8
    table = summary_table(tmp_path)
    assert list(table["n"]) == [2]


def test_changed_steps_is_a_conflict(tmp_path):
    flags = [x for s in SMALL for x in ("--set", s)]
    args = ["sweep", "--steps", "3", "--seed", "1", "--no-progress", "--out", str(tmp_path), *flags]
    assert run_cli(args)[0] == 0
    code, _, err = run_cli([*args[:2], "4", *args[3:]])
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "steps" in err and "Traceback" not in err
