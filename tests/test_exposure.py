"""Exposure arithmetic: 500 members x 100 outside friends, each sharing once (S2, advantage one)."""

import networkx as nx
import numpy as np

from circlesim import CommunityModel, independent_cascade_overrides

MEMBERS, FRIENDS = 500, 100


def share_once_everyone(graph, hubs):
    params = independent_cascade_overrides(1.0)
    params.update(join_probability=0.0, market_graph=graph, initial_people=hubs,
                  initial_members=MEMBERS, max_members=MEMBERS)
    model = CommunityModel(rng=0, **params)
    model.step()
    return model.latest()


def test_disjoint_friend_lists_give_exactly_50000_exposures_all_unique():
    graph = nx.Graph()
    hubs = list(range(MEMBERS))
    graph.add_nodes_from(hubs)
    next_id = MEMBERS
    for hub in hubs:
        graph.add_edges_from((hub, next_id + k) for k in range(FRIENDS))
        next_id += FRIENDS
    day1 = share_once_everyone(graph, hubs)
    assert day1["shares"] == MEMBERS
    assert day1["exposures"] == MEMBERS * FRIENDS == 50_000
    assert day1["unique_reach"] == 50_000


def test_overlapping_friend_lists_reach_fewer_people_than_exposures():
    rng = np.random.default_rng(1)
    pool = 20_000
    graph = nx.Graph()
    hubs = list(range(MEMBERS))
    graph.add_nodes_from(hubs)
    for hub in hubs:
        friends = rng.choice(pool, size=FRIENDS, replace=False) + MEMBERS
        graph.add_edges_from((hub, int(f)) for f in friends)
    day1 = share_once_everyone(graph, hubs)
    assert day1["exposures"] == 50_000
    # 50,000 draws from 20,000 people: expected unique ~ 20,000 (1 - e^-2.5) ~ 18,358
    assert 17_500 < day1["unique_reach"] < 19_000


def test_generated_market_overlaps_by_homophily():
    model = CommunityModel(rng=2, **{**independent_cascade_overrides(1.0), "join_probability": 0.0,
                                     "initial_members": 500, "max_members": 500})
    model.step()
    day1 = model.latest()
    assert day1["exposures"] == model.market.degree_of(model.state.person[:500]).sum()
    assert day1["unique_reach"] < 0.8 * day1["exposures"]
