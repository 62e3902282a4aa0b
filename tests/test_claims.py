"""The claim definitions are fair one-factor contrasts; sanity checks true by definition.

These tests check the *machinery* of ``circlesim claims``, never the source texts' directions:
whether a claim holds is a result (docs/claims.md), not something a test may demand. The
statistics, the robustness sample and the command are tested in tests/claims/.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from circlesim import CommunityModel
from circlesim.claims import CLAIMS, SOURCES, SWITCHES, load_atlas, robust_parameters
from circlesim.claims.runner import run_pair
from circlesim.parameters import PARAMETERS, Parameters
from circlesim.scenarios import load_scenario

SEEDS = Path(__file__).parent / "claims" / "seeds"


def resolved(claim, arm, steps=30):
    scenario = load_scenario(claim.scenario).parameters or {}
    return Parameters.from_mapping({**scenario, **claim.arm_parameters(arm, steps)}).to_dict()


def test_at_least_the_thirteen_claims_of_the_issue_with_unique_ids():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids)) >= 13
    for needed in ("low_cost", "two_way", "precision", "spreads_fast", "share_arithmetic",
                   "multi_directional", "weak_centre", "emotional", "self_running",
                   "interest_replacement", "smaller_scope", "fragmentation", "rapid_response"):
        assert needed in ids


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_arms_differ_in_exactly_one_parameter_or_one_documented_switch(claim):
    a, b = resolved(claim, "a"), resolved(claim, "b")
    differing = {k for k in a if a[k] != b[k]}
    if claim.is_switch:
        assert differing == set() and claim.parameter in SWITCHES
        assert claim.a != claim.b
    else:
        assert differing == {claim.parameter}
        assert a[claim.parameter] == claim.a and b[claim.parameter] == claim.b
    # the base (shared) part is identical and the changed parameter is not in it
    assert claim.parameter not in claim.base
    # robustness never varies the contrast's own factor or what the base fixes
    varied = robust_parameters(claim)
    assert claim.parameter not in varied and not set(claim.base) & set(varied)
    assert all(PARAMETERS[n].plausible is not None for n in varied)


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_each_claim_quotes_its_source_text_verbatim(claim):
    source_id = claim.source.split(",")[0]
    assert source_id in SOURCES
    text = " ".join((SEEDS / f"{source_id}.txt").read_text(encoding="utf-8").split())
    for part in claim.quote.split(" ... "):
        assert " ".join(part.split()) in text, part
    assert {o.direction for o in claim.outcomes} <= {"+", "-"}
    assert claim.primary in [o.name for o in claim.outcomes]


def test_plausible_ranges_lie_inside_the_allowed_range_around_the_default_with_a_source():
    with_range = [s for s in PARAMETERS.values() if s.plausible is not None]
    assert len(with_range) >= 20
    for s in with_range:
        lo, hi = s.plausible
        assert lo < hi and lo <= s.default <= hi, s.name
        assert (s.low is None or s.low <= lo) and (s.high is None or hi <= s.high), s.name
        assert s.plausible_source, s.name


def test_both_arms_run_on_the_same_seed_and_a_switch_runs_the_model_once():
    calls = []

    def fake(scenario, params, seed, days):
        calls.append((dict(params), seed, days))
        model = CommunityModel(scenario=scenario, rng=seed, **params)
        model.run(days)
        return model.to_frame()

    claim = next(c for c in CLAIMS if c.id == "two_way")
    row = run_pair(claim, claim.scenario, claim.base_parameters(3), 123, 3, simulate=fake)
    assert [c[1] for c in calls] == [123, 123] and calls[0][2] == calls[1][2] == 3
    assert calls[0][0]["interaction"] is False and calls[1][0]["interaction"] is True
    assert {f"{arm}__{o.name}" for o in claim.outcomes for arm in "ab"} <= set(row.columns)
    calls.clear()
    switch = next(c for c in CLAIMS if c.is_switch)
    run_pair(switch, switch.scenario, switch.base_parameters(3), 7, 3, simulate=fake)
    assert len(calls) == 1


def test_packaged_atlas_has_the_stable_schema_for_every_defined_claim():
    atlas = load_atlas()
    assert atlas["schema"] == 1
    for key in ("generated_by", "quick", "steps", "replications", "robustness_points"):
        assert key in atlas
    assert [c["id"] for c in atlas["claims"]] == [c.id for c in CLAIMS]
    for c in atlas["claims"]:
        assert c["verdict"] in ("holds robustly", "holds when", "does not hold")
        assert {"id", "title", "source", "quote", "changed", "arms", "scenario", "outcomes",
                "primary_outcome", "effect", "ci", "n", "robustness", "verdict",
                "verdict_text"} <= set(c)
        assert {"share", "ci", "points", "deciding_parameters", "condition"} <= set(
            c["robustness"])


# ------------------------------------------------------------- sanity, true by definition

def run(days=40, **params):
    model = CommunityModel(rng=5, **params)
    model.run(days)
    return model.to_frame()


def test_no_sharing_means_no_share_joins_and_no_reach():
    frame = run(share_probability=0.0)
    assert frame["joined_by_share"].sum() == 0
    assert frame["shares"].sum() == 0 and frame["unique_reach"].iloc[-1] == 0


def test_one_way_means_only_the_organiser_speaks():
    frame = run(interaction=False)
    assert frame["member_posts"].sum() == 0 and frame["replies"].sum() == 0
    spoke = frame["organiser_content_share"].to_numpy()[1:]
    assert np.all(spoke[np.isfinite(spoke)] == 1.0)


def test_without_pruning_nobody_is_pruned_and_the_cap_is_never_exceeded():
    frame = run(days=60, pruning=False, max_members=30, share_probability=0.3)
    assert frame["pruned"].sum() == 0
    assert frame["members"].max() <= 30


def test_without_problems_there_are_no_complaints():
    frame = run(problem_probability=0.0)
    assert frame["complaints_new"].sum() == 0 and frame["complaints_open"].max() == 0


def test_the_text_arithmetic_exposures_are_members_times_friends_reach_is_no_more():
    """500 members who each share once to every friend make exposures = sum of their friend
    counts (about 500 x 100); distinct people reached can never exceed the exposures."""
    claim = next(c for c in CLAIMS if c.id == "share_arithmetic")
    model = CommunityModel(rng=3, **claim.arm_parameters("b", 1))
    model.step()
    day = model.latest()
    assert 0 < day["unique_reach"] <= day["exposures"]
    assert re.search(r"500 people", claim.quote)
