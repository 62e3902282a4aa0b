"""The engine: the lazy market, determinism and independence, typed parameters, Mesa interop."""

import typing

import numpy as np
import pytest
from numba import njit

from circlesim import CommunityModel, ParameterError, Parameters
from circlesim import rules
from circlesim.kernels import EXPOSED, FORMER, MEMBER, PeopleTable, seed_state, uniform
from circlesim.market import LazyMarket, interest_match
from circlesim.parameters import PARAMETERS
from circlesim.state import Channel, LeaveReason


def _market(**kw):
    return LazyMarket(Parameters.from_mapping(kw), np.random.default_rng(3))


def test_lazy_market_is_the_same_in_any_touch_order():
    a, b = _market(market_size=50_000), _market(market_size=50_000)
    ids = np.random.default_rng(0).integers(0, 50_000, size=500)
    order = np.random.default_rng(1).permutation(ids.size)
    assert np.array_equal(a.interest_of(ids)[order], b.interest_of(ids[order]))
    fa, oa = a.gather_friends(ids)
    fb, ob = b.gather_friends(ids[order][np.argsort(order)])  # same people, touched later
    assert np.array_equal(fa, fb) and np.array_equal(oa, ob)
    assert not np.array_equal(a.friends_of(7), a.friends_of(8))


def test_lazy_market_keeps_interests_clustered_and_friends_homophilous():
    m = _market(market_size=60_000)
    x = m.interest_of(np.arange(60_000))
    centres = np.arange(6) / 6
    d = np.abs(((x[:, None] - centres) + 0.5) % 1.0 - 0.5).min(axis=1)
    assert np.quantile(d, 0.95) < 3 * 0.04  # Normal(centre, 0.04) around six centres
    people = np.arange(0, 60_000, 97)
    friends, owner = m.gather_friends(people)
    assert 95 < friends.size / people.size < 105  # Poisson(friends_mean = 100)
    near = np.abs(x[friends] - x[people[owner]])
    near = np.minimum(near, 1 - near)
    assert np.median(near) < 0.05  # most friends share the person's interest cluster


def test_niche_audience_and_match_histogram_need_no_market_sized_arrays():
    m = _market(market_size=1_000_000_000)
    audience = m.audience(0.0, 0.06)
    assert 0 < audience.size < m.size / 4
    sample = audience.sample(2000, np.random.default_rng(2))
    assert (interest_match(m.interest_of(sample), 0.0, 0.06) >= 0.45).mean() > 0.99
    counts, potential = m.match_histogram(0.0, 0.06, True)
    assert counts.sum() == m.size and 0 < potential < m.size


def test_a_billion_person_market_runs_in_bounded_memory():
    model = CommunityModel(rng=1, market_size=1_000_000_000)
    model.run(20)
    assert model.member_count > 0
    assert model.people.nbytes < 10 * 2**20  # sized by the people touched


def test_people_table_keeps_each_persons_flags_like_a_dict_as_it_grows():
    rng = np.random.default_rng(5)
    table, reference = PeopleTable(), {}
    # ids across the whole range a market may use (up to 10^9, and far beyond), repeats included
    people = np.concatenate([rng.integers(0, 10**9, 3000), rng.integers(0, 2**59, 500),
                             np.array([0, 1, 10**9 - 1, 2**60 - 1])])
    for bits in (EXPOSED, MEMBER, FORMER):
        chosen = rng.choice(people, size=2500)
        table.set(chosen, bits)  # grows from 1,024 slots as it fills
        for p in chosen.tolist():
            reference[p] = reference.get(p, 0) | bits
    cleared = rng.choice(people, size=800)
    table.clear(cleared, MEMBER)
    for p in cleared.tolist():
        if p in reference:
            reference[p] &= ~MEMBER
    assert table.count.item() == len(reference)
    assert 2 * len(reference) <= table.slots.size  # load at most one half
    never = rng.integers(0, 10**9, 200) * 2 + 10**10  # ids never touched
    ask = np.concatenate([people, never])
    assert table.get(ask).tolist() == [reference.get(p, 0) for p in ask.tolist()]


def test_two_models_stepping_interleaved_match_models_run_alone():
    alone = []
    for seed in (1, 2):
        m = CommunityModel(rng=seed)
        m.run(40)
        alone.append(m.to_frame())
    a, b = CommunityModel(rng=1), CommunityModel(rng=2)
    for _ in range(40):
        a.step()
        b.step()
    assert a.to_frame().equals(alone[0]) and b.to_frame().equals(alone[1])


def test_parameters_have_one_typed_attribute_per_parameter():
    hints = typing.get_type_hints(Parameters)
    kinds = {"float": float, "int": int, "bool": bool}
    for name, spec in PARAMETERS.items():
        assert name in hints, name
        if spec.kind in kinds:
            assert hints[name] is kinds[spec.kind], name
    assert set(hints) - {"values"} == set(PARAMETERS)
    p = Parameters.from_mapping({"topics": 3})
    assert p.topics == 3 and p.values["topics"] == 3


@pytest.mark.parametrize("steps", [-1, 2.9, "3", True])
def test_bad_step_counts_are_refused(steps):
    model = CommunityModel(rng=1)
    with pytest.raises(ParameterError, match="steps"):
        model.run(steps)


def test_one_gaussian_and_enums():
    assert rules.relevance is interest_match
    m = CommunityModel(rng=3, max_members=25)
    m.run(30)
    table = m.members_frame()
    assert set(table["channel"]) <= {c.name.lower() for c in Channel}
    assert set(table["status"]) <= {r.name.lower() for r in LeaveReason}


def test_mesa_scenario_and_batch_run():
    import mesa
    from mesa.experimental.scenarios import Scenario

    from circlesim.interop import CommunityScenario

    scenario = CommunityScenario(rng=5, share_probability=0.2)
    model = CommunityModel(scenario=scenario)
    assert model.scenario is scenario and model.scenario_name == "baseline"
    assert model.params.share_probability == 0.2
    model.run(5)
    again = CommunityModel(scenario=CommunityScenario(rng=5, share_probability=0.2))
    again.run(5)
    assert model.to_frame().equals(again.to_frame())
    plain = CommunityModel(scenario=Scenario(rng=4, topics=3))
    assert plain.params.topics == 3
    with pytest.raises(ParameterError, match="no_such"):
        CommunityModel(scenario=Scenario(rng=4, no_such=1))
    preset = CommunityModel(scenario="viral-push", rng=1)
    assert preset.scenario_name == "viral-push" and isinstance(preset.scenario, Scenario)

    results = mesa.batch_run(CommunityModel, {"max_members": [30, 40]}, rng=[1],
                             max_steps=8, number_processes=1, data_collection_period=1,
                             display_progress=False)
    assert len(results) == 2 * 9  # two parameter points, days 0 to 8
    assert {"members", "Step", "max_members"} <= set(results[0])
    assert all(r["members"] <= r["max_members"] for r in results)


@njit
def _candidates(new_interest, pool_rows, pool_interest, ties, rs):
    """The candidates ``rules.pick_homophilous_ties`` draws (its first loop, the same stream)
    and their circular distances, one row per joiner."""
    draw = min(4 * ties, pool_rows.shape[0])
    cand = np.empty((new_interest.shape[0], draw), dtype=np.int64)
    dist = np.empty((new_interest.shape[0], draw))
    for q in range(new_interest.shape[0]):
        for c in range(draw):
            pick = min(int(uniform(rs) * pool_rows.shape[0]), pool_rows.shape[0] - 1)
            cand[q, c] = pool_rows[pick]
            d = abs(pool_interest[pick] - new_interest[q]) % 1.0
            dist[q, c] = min(d, 1.0 - d)
    return cand, dist


@pytest.mark.parametrize("ties,pool", [(4, 500), (3, 7), (8, 20)])
def test_homophilous_ties_are_the_nearest_distinct_candidates(ties, pool):
    rng = np.random.default_rng(ties)
    # interests on a coarse grid, so that equal distances (ties in the order) are common
    pool_rows = rng.permutation(3 * pool)[:pool]
    pool_interest = rng.integers(0, 16, pool) / 16
    new_interest = rng.integers(0, 16, 60) / 16
    exclude = np.where(rng.random(60) < 0.5, rng.choice(pool_rows, 60), -1)
    rs = seed_state(np.random.default_rng(9))
    owner, partner = rules.pick_homophilous_ties(new_interest, pool_rows, pool_interest, ties,
                                                 exclude, rs.copy())
    cand, dist = _candidates(new_interest, pool_rows, pool_interest, ties, rs.copy())
    want_owner, want_partner = [], []
    for q in range(60):  # the reference: a stable sort by distance of the distinct, allowed
        seen, keep = set(), []
        for c, person in enumerate(cand[q].tolist()):
            if person not in seen and person != exclude[q]:
                keep.append(c)
            seen.add(person)
        nearest = sorted(keep, key=lambda c: dist[q, c])[:ties]  # (sorted is stable)
        want_owner += [q] * len(nearest)
        want_partner += cand[q, nearest].tolist()
    assert owner.tolist() == want_owner
    assert partner.tolist() == want_partner


def test_tie_rows_widen_when_a_member_needs_more_slots():
    from circlesim.state import ALIVE_DEGREE, TIE_COUNT, MemberState

    s = MemberState(capacity=64, tie_width=4)
    s.add_rows(40)
    rng = np.random.default_rng(2)
    pairs = {(0, b) for b in range(1, 30)}  # row 0 needs 29 slots: 4 -> 8 -> 16 -> 32
    while len(pairs) < 120:
        a, b = sorted(rng.choice(40, 2, replace=False).tolist())
        pairs.add((a, b))
    pairs = sorted(pairs)
    for chunk in (pairs[:50], pairs[50:]):  # in two calls, the second on wider rows
        s.add_ties(np.array([p[0] for p in chunk]), np.array([p[1] for p in chunk]))
    assert s.ties.shape[1] == 32
    for row in range(40):
        want = sorted([b for a, b in pairs if a == row] + [a for a, b in pairs if b == row])
        count = s.ints[TIE_COUNT, row]
        assert sorted(s.ties[row, :count].tolist()) == want  # every tie, in both rows
        assert (s.ties[row, count:] == -1).all()
        assert count == s.ints[ALIVE_DEGREE, row] == len(want)
