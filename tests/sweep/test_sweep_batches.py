"""Issue 9, item 4: the sweep's per-run overhead (batches of runs, Arrow tables built without
pandas, runs.parquet written while the sweep runs) changes no result and no guarantee."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from circlesim.sweep import apply_flags, load_results, run_sweep
from circlesim.sweep.engine import Pace
from circlesim.sweep.store import ResultStore, RunsStream
from circlesim.sweep.worker import batch_table, execute, execute_batch

from .conftest import SMALL, SMALL_SET


def _spec(**kw):
    base = {"grid": ["centre_strength=0.2,0.5,0.8"], "replications": 2, "steps": 6,
            "seed": 4, "sets": SMALL}
    return apply_flags(None, **{**base, **kw})


def test_batch_table_is_the_tidy_table_of_each_run():
    """The fast path (daily record -> Arrow) gives the table the pandas path gives: names,
    types, values, NaN as null; a batch is the runs' tables one after another."""
    spec = _spec(sets=[*SMALL, "pruning=true"])
    tasks = [r.task(spec.steps, spec.runner, with_columns=True) for r in spec.plan()]
    reference = pa.concat_tables([execute(t)["table"] for t in tasks])
    batch = execute_batch({"run_id": "b", "batch": tasks})
    assert [r["status"] for r in batch["runs"]] == ["done"] * len(tasks)
    assert batch["table"] is None  # the daily records come back; the sweep builds the table
    table = batch_table(batch["rows"])
    assert table.schema.equals(reference.schema)
    assert table.equals(reference)
    # a batch of one, and the pandas path for the same rows, give the same
    assert batch_table(batch["rows"][:1]).equals(reference.slice(0, spec.steps + 1))
    cols, (names, ints, data) = batch["rows"][1]
    frame = pd.DataFrame({n: data[:, j].astype("int64") if n in ints else data[:, j]
                          for j, n in enumerate(names)})
    assert batch_table([(cols, frame)]).equals(reference.slice(spec.steps + 1, spec.steps + 1))
    assert reference.column("mean_answer_delay").null_count > 0  # NaN stored as null, both ways


def test_batch_with_differing_tables_and_a_failure():
    """Runs whose tables differ are combined as before (missing columns null); a run that
    raises fails alone and the rest of its batch is kept."""
    spec = replace(_spec(), runner="sweep_test_runners:extra_column")
    tasks = [r.task(spec.steps, spec.runner, with_columns=True) for r in spec.plan()]
    tasks[1] = dict(tasks[1], runner="sweep_test_runners:faulty",
                    overrides={**tasks[1]["overrides"], "centre_strength": 0.5})
    out = execute_batch({"run_id": "b", "batch": tasks})
    status = [r["status"] for r in out["runs"]]
    assert status == ["done", "failed"] + ["done"] * (len(tasks) - 2)
    assert "injected fault" in out["runs"][1]["error"]
    table = out["table"]
    assert set(table.column("run_id").to_pylist()) == {t["run_id"] for t in tasks} - {
        tasks[1]["run_id"]}
    extra = table.column("extra").to_pylist()
    strength = table.column("centre_strength").to_pylist()
    assert all((e == 1.5) == (s == 0.8) for e, s in zip(extra, strength))


def test_pace_learns_the_run_time_and_shrinks_at_the_end():
    pace = Pace(workers=2, target_seconds=0.5, cap=32)
    assert pace.size(1000) == 1  # nothing known yet
    for _ in range(50):
        pace.observe(0.02)
    assert pace.size(1000) == 25  # 0.5 s of 20 ms runs
    assert pace.size(40) == 5  # the last runs are shared out: 40 / (2 workers x 4)
    assert pace.size(3) == 1
    for _ in range(50):
        pace.observe(0.0001)
    assert pace.size(10_000) == 32  # capped
    assert Pace(workers=2, fixed=3).size(1000) == 3


def test_worker_that_dies_in_a_batch_fails_only_its_own_run(tmp_path):
    """Batches of 3: the batch whose worker dies is split and retried run by run."""
    spec = replace(_spec(steps=4), runner="sweep_test_runners:crashing")
    result = run_sweep(spec, tmp_path, workers=2, batch_runs=3, progress=False,
                       log=lambda m: None)
    assert (result.done, result.failed) == (4, 2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for info in manifest["runs"].values():
        failed = info["overrides"]["centre_strength"] == 0.5
        assert info["status"] == ("failed" if failed else "done"), info
        if failed:
            assert "worker process died" in info["error"]
    assert load_results(tmp_path)["run_id"].nunique() == 4


def test_runs_parquet_is_written_during_the_sweep_in_plan_order(tmp_path, monkeypatch):
    """A fresh sweep's runs.parquet is in plan order, holds every run once, and no part is
    left; it is the same table whether batches hold 1 run or 4."""
    monkeypatch.setattr(RunsStream, "ROWS", 20)  # several row groups even for tiny runs
    a = run_sweep(_spec(), tmp_path / "a", workers=1, batch_runs=4, flush_runs=2,
                  progress=False, log=lambda m: None)
    b = run_sweep(_spec(), tmp_path / "b", workers=1, batch_runs=1, progress=False,
                  log=lambda m: None)
    assert a.done == b.done == 6
    table = pq.read_table(tmp_path / "a" / "runs.parquet")
    assert table.equals(pq.read_table(tmp_path / "b" / "runs.parquet"))
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    index = {rid: info["index"] for rid, info in manifest["runs"].items()}
    keys = [(index[r], s) for r, s in zip(table.column("run_id").to_pylist(),
                                           table.column("step").to_pylist())]
    assert keys == sorted(keys) and len(set(keys)) == 6 * 7
    assert pq.ParquetFile(tmp_path / "a" / "runs.parquet").metadata.num_row_groups > 1
    assert not list((tmp_path / "a" / "parts").iterdir())


def test_stream_gives_up_on_a_new_column_and_parts_are_folded(tmp_path, monkeypatch):
    """A batch with a column the file does not have: the writer gives up, the parts are
    folded at the end as before, and nothing is lost."""
    monkeypatch.setattr(RunsStream, "ROWS", 1)  # the file is opened with the first batch
    spec = replace(_spec(grid=["centre_strength=0.2,0.8"], replications=1),
                   runner="sweep_test_runners:extra_column")
    result = run_sweep(spec, tmp_path, workers=1, batch_runs=1, progress=False,
                       log=lambda m: None)
    assert result.done == 2
    df = load_results(tmp_path)
    assert df["run_id"].nunique() == 2 and "extra" in df.columns
    assert not list((tmp_path / "parts").iterdir())
    assert not list(tmp_path.glob(".*.tmp"))


def test_resumed_sweep_folds_old_parts_and_runs_parquet(tmp_path):
    """Runs left by an interrupted sweep (a runs.parquet and a part) are copied into the new
    runs.parquet once each, in front of the new runs."""
    spec = _spec()
    plan = spec.plan()
    first = run_sweep(replace(spec, replications=1), tmp_path, workers=1, progress=False,
                      log=lambda m: None)
    assert first.done == 3
    # an interrupted session's part: the rows of one more run, and a duplicate of an old one
    tasks = [r.task(spec.steps, spec.runner, with_columns=True) for r in plan]
    store = ResultStore(tmp_path)
    old = pq.read_table(tmp_path / "runs.parquet")
    dup = old.filter(pa.compute.equal(old.column("run_id"), old.column("run_id")[0]))
    extra = next(t for t in tasks if t["run_id"] not in set(old.column("run_id").to_pylist()))
    store.write_part([execute(extra)["table"], dup])
    result = run_sweep(spec, tmp_path, workers=1, progress=False, log=lambda m: None)
    assert (result.skipped, result.executed, result.done) == (4, 2, 6)
    table = pq.read_table(tmp_path / "runs.parquet")
    ids = table.column("run_id").to_pylist()
    assert len(ids) == 6 * 7 and len(set(ids)) == 6
    assert ids[: 3 * 7] == old.column("run_id").to_pylist()  # the old file first, as it was
    assert not list((tmp_path / "parts").iterdir())
    assert SMALL_SET["market_size"] in set(table.column("market_size").to_pylist())


def test_fast_and_dataframe_paths_give_the_same_results_file(tmp_path):
    """Batches whose parameter kinds differ (a grid of 0 and 0.5) are tabled apart and joined
    as before; the whole file equals the one the DataFrame path writes, run for run."""
    spec = _spec(grid=["seeding_budget=0,0.5", "centre_strength=0.2,0.8"], replications=1)
    fast = run_sweep(spec, tmp_path / "fast", workers=1, batch_runs=1, flush_runs=4,
                     progress=False, log=lambda m: None)
    slow = run_sweep(replace(spec, runner="sweep_test_runners:plain"), tmp_path / "slow",
                     workers=1, batch_runs=1, flush_runs=4, progress=False, log=lambda m: None)
    assert fast.done == slow.done == 4
    a = pq.read_table(tmp_path / "fast" / "runs.parquet")
    b = pq.read_table(tmp_path / "slow" / "runs.parquet")
    assert a.schema.equals(b.schema) and a.equals(b)
    assert a.schema.field("seeding_budget").type == pa.float64()


def test_tasks_run_here_only_while_the_pool_starts_and_only_if_allowed():
    """While the pool starts, tasks that ``inline`` allows run in this process; every task
    runs once; a task it does not allow (a spec's own runner) always goes to a worker."""
    import os

    import sweep_test_runners

    from circlesim.sweep.executors import LocalExecutor

    tasks = [{"run_id": str(i), "here": i % 2 == 0} for i in range(120)]
    out = list(LocalExecutor(2).map(sweep_test_runners.whose, tasks,
                                    inline=lambda t: t["here"]))
    assert sorted(int(r["run_id"]) for r in out) == list(range(120))
    here = {r["run_id"] for r in out if r["pid"] == os.getpid()}
    assert all(int(rid) % 2 == 0 for rid in here)  # only allowed tasks ran here
    assert len(here) < 60  # and only until the workers were up
    out = list(LocalExecutor(2).map(sweep_test_runners.whose, tasks[:10], inline=None))
    assert os.getpid() not in {r["pid"] for r in out}


def test_an_executor_with_a_plain_map_still_works(tmp_path):
    class Plain:
        workers = 1

        def describe(self):
            return "plain"

        def map(self, fn, tasks):
            return (fn(t) for t in tasks)

        def close(self):
            pass

    result = run_sweep(_spec(), tmp_path, executor=Plain(), progress=False, log=lambda m: None)
    assert result.done == 6 and load_results(tmp_path)["run_id"].nunique() == 6
