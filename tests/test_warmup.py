"""``python -m circlesim.warmup`` (run by ``scripts/setup``) compiles every path of the engine,
so that no run after it compiles anything: not a preset, not a sweep run, not a UI session."""

import os
import subprocess
import sys

import pytest

# In a fresh process with an empty numba cache: the warm-up, then runs that reach every
# compiled path, with numba's compile event counted (it fires only when code is compiled, not
# when it is loaded from the disk cache).
PROBE = r"""
import time
import networkx as nx
from numba.core import event

from circlesim.warmup import warm_up

start = time.perf_counter()
warm_up()
cold = time.perf_counter() - start
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
print(f"cold {cold:.1f} s; compiled after the warm-up: {sorted(set(compiled))}")
"""


@pytest.mark.slow
def test_nothing_compiles_after_the_warm_up(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
           "PYTHONWARNINGS": "ignore"}
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("compiled after the warm-up: []"), result.stdout
