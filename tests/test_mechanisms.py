"""The trade-off mechanisms of DESIGN.md §7 (issue 10): each rule does what its equation says,
and each shows its price in a small model run (fixed seeds, common random numbers, margins).

Written against ``rules``' function signatures and the model's public outputs, so the tests hold
for any engine that implements the same equations.
"""

from __future__ import annotations

import numpy as np
import pytest

from circlesim import CommunityModel, rules
from circlesim.kernels import seed_state
from circlesim.parameters import PARAMETERS, independent_cascade_overrides


# ================================================================ organiser attention
def test_allocate_attention_serves_tasks_in_priority_order():
    granted, left = rules.allocate_attention(2.0, np.array([2, 10, 4]),
                                             np.array([0.25, 0.1, 0.05]))
    # posts 2 x 0.25 = 0.5 h; answers 10 x 0.1 = 1.0 h; invitations 4 x 0.05 = 0.2 h
    assert granted.tolist() == [2, 10, 4]
    assert left == pytest.approx(0.3)
    granted, left = rules.allocate_attention(1.0, np.array([3, 10, 4]),
                                             np.array([0.25, 0.1, 0.05]))
    # 0.75 h for posts leaves 0.25 h: two answers (0.2 h), one invitation (0.05 h)
    assert granted.tolist() == [3, 2, 1]
    assert left == pytest.approx(0.0, abs=1e-9)
    granted, left = rules.allocate_attention(0.6, np.array([3, 10, 4]),
                                             np.array([0.25, 0.1, 0.05]))
    assert granted.tolist() == [2, 1, 0]  # posts first: 0.5 h, then one answer
    granted, left = rules.allocate_attention(0.0, np.array([2, 1, 1]), np.array([0.25, 0.1, 0]))
    assert granted.tolist() == [0, 0, 1] and left == 0.0  # a task that takes no time is free


def test_tie_attention_is_budget_over_ties():
    share, hours = rules.tie_attention(1.0, 50, 0.01)
    assert share == 1.0 and hours == pytest.approx(0.5)  # 50 ties need 0.5 h: attended in full
    share, hours = rules.tie_attention(1.0, 200, 0.01)
    assert share == pytest.approx(0.5) and hours == pytest.approx(1.0)
    shares = [rules.tie_attention(1.0, t, 0.01)[0] for t in (100, 200, 400, 800)]
    assert all(a > b for a, b in zip(shares, shares[1:]))  # more ties, less attention each
    assert rules.tie_attention(1.0, 0, 0.01) == (1.0, 0.0)
    assert rules.tie_attention(0.0, 10, 0.01) == (0.0, 0.0)


def test_organiser_replies_only_to_attended_posters():
    rng = np.random.default_rng(0)
    posts = np.array([3, 0, 2, 5])
    attended = np.array([True, True, False, True])
    out = rules.organiser_replies(posts, attended, 1.0, rng)
    assert out.tolist() == [3, 0, 0, 5]
    many = rules.organiser_replies(np.full(20_000, 4), np.ones(20_000, bool), 0.25, rng)
    assert many.mean() == pytest.approx(1.0, abs=0.03)  # Binomial(4, 0.25)


def _attention_runs(centre_strength: float, seeds=range(3)):
    out = []
    for seed in seeds:
        m = CommunityModel(rng=seed, centre_strength=centre_strength, organiser_hours=0.7,
                           initial_members=40)
        m.run(30)
        out.append(m.to_frame())
    return out


def test_more_tied_members_get_less_attention_each_and_cost_follows_work():
    star = _attention_runs(1.0)
    weak = _attention_runs(0.2)
    a_star = np.mean([f["organiser_attention"].iloc[1:].mean() for f in star])
    a_weak = np.mean([f["organiser_attention"].iloc[1:].mean() for f in weak])
    assert a_star < a_weak - 0.2
    # the organiser's hours never exceed its budget, and a star uses the whole of it
    assert max(f["organiser_hours"].max() for f in star) <= 0.7 + 1e-9
    # cost follows the work done: tie hours are paid at cost_per_hour
    free = dict(cost_per_post=0.0, cost_per_answer=0.0, cost_per_invite=0.0,
                daily_fixed_cost=0.0, cost_per_hour=20.0)
    m = CommunityModel(rng=5, centre_strength=1.0, **free)
    m.run(20)
    f = m.to_frame().iloc[1:]
    p = m.params
    organiser_answers = f["complaints_answered"] - f["member_answers"]
    # no invitations without pruning: the rest of the hours went to tied members
    tie_hours = (f["organiser_hours"] - f["organiser_posts"] * p.hours_per_post
                 - organiser_answers * p.hours_per_answer)
    assert f["spend"].iloc[-1] == pytest.approx(20.0 * tie_hours.sum(), rel=1e-9)
    assert f["spend"].iloc[-1] > 0


# ================================================================ information overload
def test_read_share_is_capacity_over_volume():
    assert rules.read_share(10, 40) == 1.0
    assert rules.read_share(80, 40) == pytest.approx(0.5)
    assert rules.read_share(400, 40) == pytest.approx(0.1)
    assert rules.read_share(10_000, 0) == 1.0  # 0 = unlimited


def _read(read_share: float, seed: int = 0) -> rules.ReadResult:
    # 400 members post once each; each has 10 readers of its own (4,000 readers), who also
    # see the organiser's two posts (broadcast)
    sources, per = 400, 10
    n = sources * (per + 1)
    ties = np.full((n, per), -1, dtype=np.int64)
    ties[:sources] = sources + np.arange(sources * per).reshape(sources, per)
    tie_count = np.zeros(n, dtype=np.int64)
    tie_count[:sources] = per
    posts = np.zeros(n, dtype=np.int64)
    posts[:sources] = 1
    on = np.ones(n, bool)
    return rules.ReadResult(*rules.read_and_reply(
        n, posts, np.zeros(n, bool), np.zeros(n), on, on, True, ties, tie_count, on,
        np.full(n, 0.5), np.zeros(n), 2, 0.5, 0.0, 0.25, 0.15, True, read_share,
        seed_state(np.random.default_rng(seed))))


def test_overloaded_readers_see_and_reply_to_a_share_of_the_messages():
    full, half = _read(1.0), _read(0.5)
    readers = slice(400, None)
    assert full.seen[readers].mean() == pytest.approx(3.0)  # a member post + two organiser's
    assert half.seen[readers].mean() == pytest.approx(1.5, rel=0.05)
    assert half.replies_received.sum() == pytest.approx(full.replies_received.sum() / 2,
                                                        rel=0.2)


def test_overload_and_irrelevance_raise_leaving_as_the_equation_says():
    n = 200_000
    e = np.full(n, 0.5)

    def leavers(read_share=1.0, overload=0.0, relevance=1.0, irrelevance=0.0) -> np.ndarray:
        left, _ = rules.draw_leavers(
            e, np.ones(n, bool), np.zeros(n, bool), np.zeros(n, dtype=np.int64), n, 0, 0.02,
            0.0, 0, read_share, overload, np.full(n, relevance), irrelevance,
            seed_state(np.random.default_rng(1)))
        mask = np.zeros(n, bool)
        mask[left] = True
        return mask

    base = leavers()
    over = leavers(read_share=0.25, overload=0.04)
    irr = leavers(relevance=0.5, irrelevance=0.04)
    p0 = 0.02 * 0.25
    assert base.mean() == pytest.approx(p0, rel=0.1)
    assert over.mean() == pytest.approx(1 - (1 - p0) * (1 - 0.04 * 0.75), rel=0.05)
    assert irr.mean() == pytest.approx(1 - (1 - p0) * (1 - 0.04 * 0.5), rel=0.05)
    # same uniforms: extra risks only ever add leavers
    assert not (base & ~over).any() and not (base & ~irr).any()


def test_overload_costs_members_in_a_large_group():
    def run(capacity: float, seed: int):
        m = CommunityModel(rng=seed, reading_capacity=capacity, overload_leave_risk=0.05,
                           initial_members=300, max_members=300)
        m.run(40)
        return m.to_frame()
    for seed in range(2):
        free, tight = run(0.0, seed), run(5.0, seed)
        assert (free["read_share"] == 1.0).all()
        assert tight["read_share"].iloc[5:].mean() < 0.9
        assert tight["left"].sum() > free["left"].sum()


# ================================================================ topic breadth
def test_content_relevance_falls_with_topic_breadth():
    interest = np.linspace(0, 1, 200, endpoint=False)
    topics = (np.arange(48) + 0.5) / 48
    focused = np.zeros(48)
    focused[0] = 10
    broad = np.full(48, 10 / 48)
    r_focus = rules.content_relevance(np.zeros(5), topics, focused, 0.15)
    assert r_focus == pytest.approx(np.exp(-0.5 * (0.5 / 48 / 0.15) ** 2))
    assert rules.content_relevance(interest, topics, broad, 0.15).std() < 0.01
    assert (rules.content_relevance(np.full(3, 0.5), topics, focused, 0.15) < 0.01).all()
    assert (rules.content_relevance(interest, topics, np.zeros(48), 0.15) == 1).all()


@pytest.mark.parametrize("width", [0.001, 0.004, 0.006, 0.02, 0.05, 0.15, 0.3, 1.0, 10.0])
@pytest.mark.parametrize("n", [60, 400])  # member by member, and grouped by bin
@pytest.mark.parametrize("posts_in", ["most bins", "bins 46, 47, 0", "bin 20"])
def test_member_relevance_is_the_direct_sum(width, n, posts_in):
    # the compiled rule evaluates the sum by Horner's rule (each chain from the farthest bin
    # with posts): it must equal the direct sum of the organiser's and the binned posts'
    # Gaussian relevance over the circle
    rng = np.random.default_rng(7)
    interest = np.concatenate([rng.random(n - 4), [0.0, 1 / 96, 0.5, 0.9999999]])
    alive = rng.random(n) < 0.8
    weights = rng.poisson(2.0, 48).astype(float) + 1
    if posts_in == "most bins":
        weights[rng.random(48) < 0.3] = 0.0
    else:  # a small group's recent posts, at the niche (across the wrap) or in one bin
        weights[np.isin(np.arange(48), [46, 47, 0] if "46" in posts_in else [20],
                        invert=True)] = 0.0
    topics = (np.arange(48) + 0.5) / 48
    cache = np.zeros((3, n))  # the members' constant factors, computed on first need
    out, mean = rules.member_relevance(interest, alive, n, weights, 3.0, 0.3, width, *cache)
    assert (cache[1, alive] > 0).all() and (cache[:, ~alive] == 0).all()  # 1: the ratio E
    again, _ = rules.member_relevance(interest, alive, n, weights, 3.0, 0.3, width, *cache)
    assert (again == out).all()  # from the cached factors: the same, bit for bit
    direct = rules.content_relevance(interest, np.append(topics, 0.3), np.append(weights, 3.0),
                                     width)
    # to the last bits where it matters; in a narrow width's far tail (relevance ~1e-280,
    # where a factor exp(-m^2 h^2 / 2 s^2) is a subnormal number) only absolutely
    assert np.allclose(out[alive], direct[alive], rtol=0, atol=1e-14)
    large = alive & (direct > 1e-100)
    assert np.allclose(out[large], direct[large], rtol=1e-11, atol=0)
    assert (out[~alive] == 1).all()
    assert mean == pytest.approx(direct[alive].mean(), rel=1e-11)
    empty, mean = rules.member_relevance(interest, alive, n, np.zeros(48), 0.0, 0.3, width,
                                         *np.zeros((3, n)))
    assert (empty == 1).all() and mean == 1.0


def test_a_broad_group_finds_less_relevant_content_and_leaves_more():
    def run(gating: bool, risk: float, seed: int):
        m = CommunityModel(rng=seed, interest_gating=gating, irrelevance_leave_risk=risk,
                           initial_members=150)
        m.run(40)
        return m.to_frame()
    for seed in range(2):
        focused, broad = run(True, 0.02, seed), run(False, 0.02, seed)
        assert broad["content_relevance"].iloc[10:].mean() < \
            focused["content_relevance"].iloc[10:].mean() - 0.2
        assert broad["left"].sum() > run(False, 0.0, seed)["left"].sum()


# ================================================================ complaints
def test_an_answer_restores_at_most_the_pre_problem_state():
    rng = np.random.default_rng(3)
    e, e0 = rng.random(1000), rng.random(1000)
    out = rules.restore_after_answer(e, e0, lift=0.3)
    assert (out <= np.maximum(e, e0) + 1e-12).all()
    assert np.allclose(out, e + 0.3 * np.maximum(e0 - e, 0))
    assert np.allclose(rules.restore_after_answer(e, e0, lift=1.0), np.maximum(e, e0))
    paradox = rules.restore_after_answer(np.full(3, 0.2), np.full(3, 0.6), lift=1.0, paradox=0.5)
    assert np.allclose(paradox, 0.6 + 0.5 * 0.4)  # only with the paradox: above baseline


def test_a_fast_answer_is_a_modest_signal():
    tone = rules.answer_tone(np.array([0, 1, 3]), 0.1)
    assert np.allclose(tone, [0.6, 0.55, 0.525])
    assert np.allclose(rules.answer_tone(np.array([0, 5]), 0.0), rules.NEUTRAL_TONE)
    assert PARAMETERS["recovery_paradox"].default == 0
    assert PARAMETERS["answer_signal"].default <= 0.2


def test_problems_never_help_by_default():
    # a closed group (no sharing), so that the arms differ only through the problems
    def members(problem: float) -> np.ndarray:
        out = []
        for seed in range(3):
            m = CommunityModel(rng=50 + seed, problem_probability=problem, initial_members=200,
                               max_members=200, share_probability=0.0, answer_delay=0)
            m.run(40)
            f = m.to_frame()
            out.append([f["members"].iloc[-1], f["mean_engagement"].iloc[-1]])
        return np.array(out)
    none, many = members(0.0), members(0.05)
    assert (many[:, 0] < none[:, 0]).all()
    assert (many[:, 1] < none[:, 1]).all()


# ================================================================ contagion, cascades, media
def test_defaults_neutral_tone_small_contagion_and_published_media_ranges():
    assert PARAMETERS["campaign_tone"].default == rules.NEUTRAL_TONE
    assert PARAMETERS["contagion"].default <= 0.01
    assert 2e-6 <= PARAMETERS["media_conversion"].default <= 1e-4
    assert 2 <= PARAMETERS["media_cpm"].default <= 30


def test_independent_cascade_overrides_switch_the_new_mechanisms_off():
    o = independent_cascade_overrides(0.2)
    assert o["reading_capacity"] == 0 and o["overload_leave_risk"] == 0
    assert o["irrelevance_leave_risk"] == 0 and o["organiser_posts"] == 0
    m = CommunityModel(rng=1, market_size=500, initial_members=5, **o)
    m.run(10)
    f = m.to_frame()
    assert (f["read_share"] == 1.0).all() and (f["left"] == 0).all()
