"""The engine run uncompiled (numba's ``NUMBA_DISABLE_JIT=1``: the same Python code as plain
Python) gives the same bits as the compiled engine. ``circlesim run`` relies on it on a cold
cache: the first run goes uncompiled while the engine compiles in the background."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from numba import njit

from circlesim import CommunityModel
from circlesim.kernels import power

# Every path of the day in a few small runs: pruning with replacement invitations, paid seeding
# (a day that stops early for room), a binding cap, complaints answered late, a loaded friendship
# graph, tie rows that widen, a narrow relevance width, overload; and many replies a day to one
# poster (engagement's ``(1 - r) ** replies``: where numba's multiplications and the C library's
# pow differ in the last bit, kernels.power).
CASES = [
    ({}, 60),
    ({"reply_probability": 1.0, "post_rate": 0.5, "initial_members": 40,
      "reply_reward": 0.05}, 30),
    ({"pruning": True, "prune_interval": 3, "seeding_budget": 20.0, "max_members": 60}, 50),
    ({"seeding_budget": 50.0, "initial_members": 10}, 20),
    ({"organiser_hours": 0.3, "answer_capacity": 10, "problem_probability": 0.05}, 50),
    ({"member_ties": 12, "initial_members": 60, "relevance_width": 0.03}, 40),
    ({"reading_capacity": 2.0, "initial_members": 40, "interest_gating": False}, 40),
    ({"market_graph": "ws", "initial_members": 30}, 50),
]

SCRIPT = r"""
import pickle, sys
import networkx as nx
from circlesim import CommunityModel

cases = pickle.loads(bytes.fromhex(sys.argv[1]))
out = []
for seed, (overrides, days) in enumerate(cases):
    if overrides.get("market_graph") == "ws":
        overrides = {**overrides, "market_graph": nx.watts_strogatz_graph(2000, 8, 0.1, seed=3)}
    model = CommunityModel(rng=seed, **overrides)
    model.run(days)
    out.append((model.to_frame(), model.members_frame()))
sys.stdout.buffer.write(pickle.dumps(out))
"""


def _compiled(cases):
    import networkx as nx

    out = []
    for seed, (overrides, days) in enumerate(cases):
        if overrides.get("market_graph") == "ws":
            overrides = {**overrides,
                         "market_graph": nx.watts_strogatz_graph(2000, 8, 0.1, seed=3)}
        model = CommunityModel(rng=seed, **overrides)
        model.run(days)
        out.append((model.to_frame(), model.members_frame()))
    return out


def test_the_engine_run_uncompiled_gives_the_same_bits_as_compiled():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, pickle.dumps(CASES).hex()],
                            capture_output=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert b"Warning" not in result.stderr, result.stderr.decode()[-3000:]
    uncompiled = pickle.loads(result.stdout)
    for (overrides, _), (daily, members), (daily_u, members_u) in zip(
            CASES, _compiled(CASES), uncompiled):
        assert len(members) > 20, overrides  # the runs do something
        pd.testing.assert_frame_equal(daily_u, daily, check_exact=True, obj=str(overrides))
        pd.testing.assert_frame_equal(members_u, members, check_exact=True,
                                      obj=str(overrides))


@njit
def _numba_power(x, n):
    return x ** n


@njit
def _compiled_power(x, n):
    return power(x, n)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 8, 31, 1000, 65536, 65537, 200000])
def test_power_is_what_numba_compiles_for_a_float_to_a_whole_power(n):
    for x in np.random.default_rng(n).uniform(0.0, 1.0, 200):
        want = _numba_power(x, n)
        assert _compiled_power(x, n) == want
        assert power.py_func(x, n) == want  # and run as plain Python
