"""Bass fitting, the cascade table, the contagion probe and the bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from circlesim import CommunityModel
from circlesim.validation.bass import bass_cdf, bass_inflection, fit_bass
from circlesim.validation.measure import ProbedModel, cascade_table, run_replication
from circlesim.validation.stats import cluster_bootstrap_ci, mean_ci


def test_bass_cdf_starts_at_zero_rises_to_one_and_is_s_shaped_when_q_exceeds_p():
    t = np.arange(0, 400)
    f = bass_cdf(t, 0.003, 0.05)
    assert f[0] == 0 and f[-1] == pytest.approx(1, abs=1e-3)
    assert np.all(np.diff(f) > 0)
    peak = np.argmax(np.diff(f))
    assert peak == pytest.approx(bass_inflection(0.003, 0.05), abs=1.5)
    assert bass_inflection(0.05, 0.01) == 0.0


@pytest.mark.parametrize("p,q,m", [(0.002, 0.05, 500), (0.01, 0.2, 3000), (0.0005, 0.03, 800)])
def test_fit_bass_recovers_known_coefficients_from_a_noisy_curve(p, q, m):
    rng = np.random.default_rng(3)
    t = np.arange(0, 181)
    y = 20 + m * bass_cdf(t, p, q) + rng.normal(0, 2, t.size)
    fit = fit_bass(t, y, offset=20)
    assert fit.p == pytest.approx(p, rel=0.15)
    assert fit.q == pytest.approx(q, rel=0.05)
    assert fit.m == pytest.approx(m, rel=0.05)
    assert fit.r2 > 0.999


def test_cascade_table_sizes_and_depths_of_a_hand_made_tree():
    # 1 and 2 are founders; 1 shares on day 3 (recruits 3, 4) and day 5 (recruits 5);
    # 3 shares on day 6 (recruits 6); 6 shares on day 9 (recruits 7); 2 shares once, in vain
    members = pd.DataFrame({
        "member_id": [1, 2, 3, 4, 5, 6, 7],
        "recruiter_id": [-1, -1, 1, 1, 1, 3, 6],
        "joined_step": [0, 0, 3, 3, 5, 6, 9],
        "channel": ["initial", "initial", "share", "share", "share", "share", "share"],
        "shares": [2, 1, 1, 0, 0, 1, 0],
    })
    table = cascade_table(members)
    assert table["shares"] == 5
    assert sorted(zip(table["size"].tolist(), table["depth"].tolist())) == [
        (1, 1), (1, 1), (2, 2), (4, 3)]
    # only shares up to day 5 count: the daily shares say 3 shares happened by then
    daily = np.zeros(10, dtype=int)
    daily[[3, 3, 5, 6, 9]] += 1
    daily[4] += 1  # member 2's share, recruited nobody
    early = cascade_table(members, daily, until=5)
    assert early["shares"] == 3 and sorted(early["depth"].tolist()) == [1, 3]


def test_the_contagion_probe_changes_nothing_in_the_run():
    probed = ProbedModel(rng=5)
    plain = CommunityModel(rng=5)
    probed.run(60)
    plain.run(60)
    pd.testing.assert_frame_equal(probed.to_frame(), plain.to_frame())
    assert len(probed.probe_days) == 60 - 30 + 1


def test_the_contagion_probe_measures_the_contagion_parameter():
    none = run_replication(1, days=60, overrides={"contagion": 0.0})
    some = run_replication(1, days=60)
    strong = run_replication(1, days=60, overrides={"contagion": 0.1})
    assert none["contagion_d"] == 0
    assert 0 < some["contagion_d"] < strong["contagion_d"]


def test_mean_ci_and_cluster_bootstrap():
    est = mean_ci([1.0, 2.0, 3.0, 4.0])
    assert est.value == 2.5 and est.low < 2.5 < est.high and est.n == 4
    assert mean_ci([1.0, float("nan"), 3.0]).n == 2
    groups = [np.array([1, 1, 0]), np.array([0, 0, 0]), np.array([1, 1, 1]), np.array([1, 0])]
    boot = cluster_bootstrap_ci(groups, lambda g: np.concatenate(g).mean(), seed=1)
    assert boot.value == pytest.approx(6 / 11)
    assert 0 <= boot.low < boot.value < boot.high <= 1
