"""CommunityModel as a Mesa model: API, outputs, determinism, agents and network."""

import networkx as nx
import numpy as np
import pytest

from circlesim import OUTPUT_COLUMNS, CommunityModel, Member, Organiser, ParameterError

REQUIRED_COLUMNS = """step members joined left pruned turned_away active_members posts
organiser_posts replies shares exposures unique_reach conversion_rate mean_engagement
complaints_open complaints_answered mean_answer_delay organiser_content_share centralization
participation_gini lurker_share topic_entropy generations recruits_per_recruiter spend
cost_per_member cost_per_engaged_member media_members media_spend
media_cost_per_member""".split()


@pytest.fixture(scope="module")
def model():
    m = CommunityModel(scenario="baseline", rng=7)
    m.run(120)
    return m


def test_daily_table_has_every_required_column_and_one_row_per_day(model):
    frame = model.to_frame()
    assert set(REQUIRED_COLUMNS) <= set(frame.columns)
    assert list(frame.columns) == list(OUTPUT_COLUMNS)
    assert frame["step"].tolist() == list(range(121))
    assert (frame["members"] >= 0).all()
    # flows add up: members change by joined - left - pruned
    change = frame["members"].diff().iloc[1:]
    flows = (frame["joined"] - frame["left"] - frame["pruned"]).iloc[1:]
    assert (change == flows).all()
    assert (frame["unique_reach"] <= frame["total_exposures"]).all()
    assert frame["spend"].is_monotonic_increasing
    assert np.allclose(frame["media_spend"], frame["spend"])


def test_same_seed_same_run_different_seed_different_run():
    frames = []
    for seed in (3, 3, 4):
        m = CommunityModel(rng=seed)
        m.run(60)
        frames.append(m.to_frame())
    assert frames[0].equals(frames[1])
    assert not frames[0].equals(frames[2])


def test_seed_sequence_is_accepted():
    m = CommunityModel(rng=np.random.SeedSequence(5, spawn_key=(1, 2)))
    m.run(5)
    n = CommunityModel(rng=np.random.SeedSequence(5, spawn_key=(1, 2)))
    n.run(5)
    assert m.to_frame().equals(n.to_frame())


def test_members_are_mesa_agents_viewing_their_array_row(model):
    members = model.agents_by_type[Member]
    assert len(members) == model.member_count == model.to_frame()["members"].iloc[-1]
    assert len(model.agents_by_type[Organiser]) == 1
    assert len(model.agents) == model.member_count + 1
    mean = members.agg("engagement", np.mean)
    assert mean == pytest.approx(model.latest()["mean_engagement"])
    engaged = members.select(lambda a: a.engagement >= 0.5)
    assert len(engaged) == model.latest()["engaged_members"]
    agent = next(iter(members))
    agent.engagement = 0.123
    assert model.state.engagement[agent.row] == 0.123
    assert agent.cell.coordinate == agent.unique_id


def test_leavers_are_removed_from_mesa_and_the_network(model):
    table = model.members_frame()
    gone = table[table["status"] != "member"]
    assert len(gone) > 0, "a 120-day baseline run always loses somebody"
    ids = {a.unique_id for a in model.agents}
    assert ids.isdisjoint(set(gone["member_id"]))
    graph = model.network.G
    assert set(graph.nodes) == ids
    # the network is topological: no spring layout was computed
    assert all(cell._position is None for cell in model.network.all_cells)
    assert model.network._kdtree is None


def test_network_ties_agree_with_the_arrays(model):
    view = model.network_view()
    graph = nx.Graph()
    graph.add_nodes_from(view["node_id"].tolist())
    graph.add_edges_from(map(tuple, view["edges"].tolist()))
    mesa_graph = model.network.G
    assert set(graph.nodes) == set(mesa_graph.nodes)
    assert {frozenset(e) for e in graph.edges} == {frozenset(e) for e in mesa_graph.edges}
    assert model.organiser.degree == mesa_graph.degree(model.organiser.unique_id)


def test_recruitment_tree_is_a_tree_rooted_at_the_organiser(model):
    tree = model.recruitment_tree()
    assert nx.is_arborescence(tree)
    table = model.members_frame()
    assert tree.number_of_nodes() == len(table) + 1
    depth = nx.single_source_shortest_path_length(tree, "organiser")
    for member_id, generation in zip(table["member_id"], table["generation"]):
        assert depth[member_id] == generation + 1
    by_share = table[table["channel"] == "share"]
    assert (by_share["recruiter_id"] > 0).all()
    assert table["recruits"].sum() == len(by_share)


def test_invalid_parameters_raise_before_anything_runs():
    with pytest.raises(ParameterError, match="centre_strength"):
        CommunityModel(centre_strength=2)
    with pytest.raises(ParameterError, match="no_such_key"):
        CommunityModel(no_such_key=1)


def test_group_cap_turns_people_away():
    m = CommunityModel(rng=1, max_members=40, share_probability=0.2, reach_probability=0.1)
    m.run(60)
    frame = m.to_frame()
    assert frame["members"].max() <= 40
    assert frame["turned_away"].sum() > 0


def test_organiser_stops_acting_on_its_day():
    m = CommunityModel(rng=2, organiser_stops_at=10)
    m.run(20)
    frame = m.to_frame()
    assert (frame.loc[frame["step"] >= 10, "organiser_posts"] == 0).all()
    assert (frame.loc[(frame["step"] > 0) & (frame["step"] < 10), "organiser_posts"] > 0).all()


def test_pruning_removes_members_on_schedule_and_invites_replacements():
    m = CommunityModel(rng=3, pruning=True, prune_interval=30, prune_threshold=3.0)
    m.run(90)
    frame = m.to_frame()
    pruned_days = frame.loc[frame["pruned"] > 0, "step"].tolist()
    assert pruned_days and all(d % 30 == 0 for d in pruned_days)
    table = m.members_frame()
    assert (table["channel"] == "invite").any()


def test_loaded_graph_from_path_and_object_give_the_same_run(tmp_path):
    graph = nx.watts_strogatz_graph(300, 8, 0.1, seed=1)
    path = tmp_path / "friends.csv"
    path.write_text("source,target\n" + "".join(f"{u},{v}\n" for u, v in graph.edges()))
    a = CommunityModel(rng=5, market_graph=str(path), initial_members=10)
    a.run(30)
    b = CommunityModel(rng=5, market_graph=nx.read_edgelist(path, delimiter=",", nodetype=int,
                                                           comments="s"), initial_members=10)
    b.run(30)
    assert a.market.size == b.market.size == 300
    # node order may differ between the two readers; the outcome's scale must not
    assert a.to_frame()["members"].iloc[-1] > 0 and b.to_frame()["members"].iloc[-1] > 0


def test_graphml_market_with_interests(tmp_path):
    graph = nx.path_graph(50)
    for node in graph:
        graph.nodes[node]["interest"] = node / 50
    path = tmp_path / "friends.graphml"
    nx.write_graphml(graph, path)
    m = CommunityModel(rng=1, market_graph=str(path), initial_members=5)
    assert np.allclose(np.sort(m.market.interest), np.arange(50) / 50)


def test_malformed_edge_list_is_a_parameter_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("1,2\n3\n")
    with pytest.raises(ParameterError, match="line 2"):
        CommunityModel(rng=1, market_graph=str(path))


def test_long_run_with_churn_archives_departed_members_and_keeps_every_record():
    # heavy churn, with enough recruiting that members remain to check at the end
    m = CommunityModel(rng=4, initial_members=300, leave_rate=0.2, share_probability=0.5,
                       reach_probability=0.1, market_size=8000)
    m.run(90)
    assert m.member_count > 0
    assert m.state.archive, "this much churn must trigger compaction"
    assert m.state.n < m.to_frame()["joined"].sum()  # departed rows left the live arrays
    table = m.members_frame()
    frame = m.to_frame()
    assert len(table) == frame["joined"].sum()
    assert table["member_id"].is_unique and table["member_id"].is_monotonic_increasing
    assert (table["status"] == "member").sum() == m.member_count
    assert table["recruits"].sum() == (table["channel"] == "share").sum()
    assert nx.is_arborescence(m.recruitment_tree())
    for agent in m.agents_by_type[Member]:
        assert m.state.uid[agent.row] == agent.unique_id and m.state.alive[agent.row]
        assert agent.cell.coordinate == agent.unique_id
    test_network_ties_agree_with_the_arrays(m)
    assert set(m.network.G.nodes) == {a.unique_id for a in m.agents}
    # engagement of a current member read through its agent is its array row
    agent = next(iter(m.agents_by_type[Member]))
    assert agent.engagement == m.state.engagement[agent.row]


def test_network_read_before_and_after_compaction_stays_consistent():
    m = CommunityModel(rng=6, initial_members=300, leave_rate=0.3, share_probability=0.15,
                       market_size=8000)
    m.run(20)
    before = m.network  # materialise the Mesa view, then let members leave and rows compact
    m.run(70)
    assert m.state.archive
    assert m.network is before
    assert set(m.network.G.nodes) == {a.unique_id for a in m.agents}
    test_network_ties_agree_with_the_arrays(m)


def test_mesa_style_datacollector_reads_the_daily_table(model):
    table = model.datacollector.get_model_vars_dataframe()
    # shaped as Mesa's DataCollector frame: the tick as an unnamed index (Mesa's plots rely on it)
    assert table.index.name is None and list(table.index) == list(range(model.steps + 1))
    assert (table["step"] == table.index).all()
    assert table["members"].iloc[-1] == model.member_count


def test_parameters_replaced_mid_run_take_effect_from_the_next_day():
    # the what-if arms of `circlesim fit` replace model.params after some day: the compiled day
    # must read the new values (its parameter arrays follow), the days before stay identical
    base, changed = CommunityModel(rng=4), CommunityModel(rng=4)
    base.run(10)
    changed.run(10)
    changed.params = changed.params.replace(organiser_posts=6.0, cost_per_post=50.0,
                                            hours_per_post=0.0)
    base.run(10)
    changed.run(10)
    a, b = base.to_frame(), changed.to_frame()
    assert a.iloc[:11].equals(b.iloc[:11])
    assert (b["organiser_posts"].iloc[11:] == 6).all()  # the new quota, all of it affordable
    assert b["organiser_posts"].iloc[11:].sum() > a["organiser_posts"].iloc[11:].sum() + 20
    spend_per_post = (b["spend_today"].iloc[11:] - a["spend_today"].iloc[11:]).sum()
    assert spend_per_post > 40 * 50  # the new price is paid for the extra posts


def test_daily_array_is_the_daily_table_without_a_dataframe():
    model = CommunityModel(rng=2)
    model.run(12)
    array, frame = model.daily_array(), model.to_frame()
    assert array.shape == frame.shape
    assert np.array_equal(array, frame.to_numpy(dtype=float), equal_nan=True)
    with pytest.raises(ValueError):
        array[0, 0] = 1.0  # a view of the model's record: read-only
