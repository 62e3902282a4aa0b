"""``python -m circlesim.warmup`` (run by ``scripts/setup``, or in the background by a first
``circlesim run`` on a cold cache) compiles every path of the engine, so that no run after it
compiles anything: not a preset, not a sweep run, not a UI session."""

import os
import subprocess
import sys

import pytest

# In a fresh process after the warm-up: runs that reach every compiled path, with numba's
# compile event counted (it fires only when code is compiled, not when it is loaded from the
# disk cache).
PROBE = r"""
import networkx as nx
from numba.core import event

compiled = []


class Listener(event.Listener):
    def on_start(self, e):
        compiled.append(e.data["dispatcher"].py_func.__qualname__)

    def on_end(self, e):
        pass


event.register("numba:compile", Listener())
from circlesim import CommunityModel
from circlesim.scenarios import preset_names

for name in preset_names():
    model = CommunityModel(name, rng=2)
    model.run(120)
    model.to_frame(), model.members_frame(), list(model.agents), model.network_view()
cases = [
    dict(initial_members=400, max_members=400, market_size=40_000, niche_width=0.3),  # cap
    dict(seeding_budget=80.0, initial_members=5),  # a day that stops early for room
    dict(pruning=True, prune_interval=2, seeding_budget=5.0, reading_capacity=3.0),
    dict(market_graph=nx.barabasi_albert_graph(2000, 3, seed=1), initial_members=20),
]
for seed, kw in enumerate(cases):
    model = CommunityModel(rng=seed, **kw)
    model.run(60)
    model.params = model.params.replace(organiser_posts=6.0)  # a what-if arm of `fit`
    model.run(30)
    model.to_frame(), model.members_frame(), model.recruitment_tree()
print(f"compiled after the warm-up: {sorted(set(compiled))}")
"""
WAIT = ("import sys; from circlesim.warmup import wait_until_warm; "
        "sys.exit(0 if wait_until_warm(900) else 1)")


@pytest.mark.slow
def test_a_first_run_goes_uncompiled_and_after_the_warm_up_nothing_compiles(tmp_path):
    cache = tmp_path / "numba"  # empty: as on a fresh clone before scripts/setup
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONWARNINGS": "ignore"}
    runs = []
    for name in ("first", "second"):
        out = tmp_path / f"{name}.csv"
        run = subprocess.run([sys.executable, "-m", "circlesim", "run", "--quiet", "--steps",
                              "60", "--out", str(out)], capture_output=True, text=True,
                             env=env, timeout=900)
        assert run.returncode == 0, run.stderr[-3000:]
        runs.append((run.stderr, out.read_bytes()))
        if name == "first":  # the engine compiles in the background, detached
            wait = subprocess.run([sys.executable, "-c", WAIT], env=env, timeout=1000)
            logs = "".join(p.read_text() for p in cache.rglob("circlesim-warmup.log"))
            assert wait.returncode == 0, f"the background warm-up did not finish: {logs}"
    (first_err, first), (second_err, second) = runs
    assert "this run goes uncompiled" in first_err
    assert second_err == "" and second == first  # warm: no word of compiling, same bits
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("compiled after the warm-up: []"), result.stdout


@pytest.fixture
def cache_in(monkeypatch, tmp_path):
    from circlesim import warmup

    monkeypatch.setattr(warmup, "_cache_dir", lambda: tmp_path)
    return tmp_path


def test_one_warm_up_at_a_time_and_an_idle_check_leaves_at_once(cache_in, monkeypatch):
    from circlesim import warmup

    def compile_again():
        raise AssertionError("a second warm-up compiled while the first held the lock")

    with warmup._lock(block=False) as first:
        assert first
        with warmup._lock(block=False) as second:
            assert not second
        monkeypatch.setattr(warmup, "warm_up", compile_again)
        assert warmup.main(["--if-idle"]) == 0  # another one runs: leave it to it
    assert not warmup.is_warm()  # nothing finished: no stamp


def test_the_stamp_says_warm_only_for_the_current_sources(cache_in, monkeypatch):
    from circlesim import warmup
    from circlesim.kernels import sources_digest

    monkeypatch.setattr(warmup, "warm_up", lambda: 0.0)
    assert not warmup.is_warm()
    assert warmup.main([]) == 0
    assert warmup.is_warm() and warmup.wait_until_warm(0.0)
    (cache_in / warmup.STAMP_FILE).write_text("0" * len(sources_digest()))  # edited sources
    assert not warmup.is_warm() and not warmup.wait_until_warm(0.3)


def test_a_cache_folder_it_cannot_write_is_no_error(monkeypatch, tmp_path):
    from circlesim import warmup

    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setattr(warmup, "_cache_dir", lambda: blocked / "cache")  # under a file
    monkeypatch.setattr(warmup, "warm_up", lambda: 0.0)
    with warmup._lock(block=True) as taken:
        assert taken  # no lock, no error
    assert warmup.start_in_background() is None  # nothing to compile into
    assert warmup.main([]) == 0
