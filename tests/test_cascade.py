"""Docking: the independent-cascade configuration against a plainly written reference."""

import random

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from circlesim import CommunityModel, independent_cascade_overrides
# the plainly written reference (Kempe, Kleinberg & Tardos 2003), shared with `circlesim validate`
from circlesim.validation.docking import reference_independent_cascade

RUNS = 250


def model_cascade_size(market_graph, seeds, p, seed):
    model = CommunityModel(rng=seed, initial_people=seeds, initial_members=len(seeds),
                           market_graph=market_graph, **independent_cascade_overrides(p))
    # members who joined on day t share on day t + 1: a day without joiners ends the cascade
    while True:
        model.step()
        if model.latest()["joined"] == 0:
            break
    return model.member_count


@pytest.fixture(scope="module")
def loaded_graph(tmp_path_factory):
    graph = nx.watts_strogatz_graph(1500, 6, 0.1, seed=11)
    path = tmp_path_factory.mktemp("graphs") / "small_world.csv"
    path.write_text("source,target\n" + "".join(f"{u},{v}\n" for u, v in graph.edges()))
    return graph, str(path)


def test_cascade_matches_reference_in_distribution(loaded_graph):
    graph, path = loaded_graph
    seeds, p = [0, 500, 1000], 0.3
    rng = random.Random(2024)
    reference = [reference_independent_cascade(graph, seeds, p, rng) for _ in range(RUNS)]
    simulated = [model_cascade_size(path, seeds, p, seed) for seed in range(RUNS)]
    result = stats.ks_2samp(reference, simulated)
    assert result.pvalue > 0.01, (np.mean(reference), np.mean(simulated))
    # and the two are not trivially equal (the cascade really varies)
    assert np.std(simulated) > 1


def test_with_certain_spread_the_cascade_fills_the_seeds_components():
    graph = nx.disjoint_union(nx.path_graph(30), nx.cycle_graph(20))
    graph.add_nodes_from(range(50, 60))  # isolated people
    size = model_cascade_size(graph, [0], 1.0, seed=1)
    assert size == 30
    size = model_cascade_size(graph, [0, 35, 55], 1.0, seed=1)
    assert size == 30 + 20 + 1


def test_cascade_detects_a_wrong_probability(loaded_graph):
    """The KS comparison has power: p = 0.3 vs p = 0.36 differ clearly."""
    graph, path = loaded_graph
    rng = random.Random(7)
    reference = [reference_independent_cascade(graph, [0, 500, 1000], 0.36, rng)
                 for _ in range(RUNS)]
    simulated = [model_cascade_size(path, [0, 500, 1000], 0.3, seed) for seed in range(RUNS)]
    assert stats.ks_2samp(reference, simulated).pvalue < 0.01
