"""Docking: circlesim against plainly written references on several graphs and seed counts,
and the mass-media arm against the closed-form Bass curve."""

from __future__ import annotations

import pytest

from circlesim.validation.docking import GRAPH_FAMILIES, dock_cascade, dock_media

RUNS = 300


@pytest.mark.parametrize("seeds", [1, 5])
@pytest.mark.parametrize("family", list(GRAPH_FAMILIES))
def test_independent_cascade_matches_the_reference(family, seeds, tmp_path):
    result = dock_cascade(family, seeds, runs=RUNS, workdir=tmp_path)
    assert result.ks_pvalue > 0.01, result
    assert result.mean_model > seeds  # the cascade really spreads (not a trivial match)


def test_the_docking_comparison_detects_a_wrong_probability(tmp_path):
    """Power: the model at p = 0.25 against the reference at p = 0.3 on the scale-free graph."""
    result = dock_cascade("scale free", 5, runs=RUNS, reference_p=0.3, workdir=tmp_path)
    assert result.ks_pvalue < 1e-6, result


def test_mass_media_arm_follows_the_bass_curve():
    result = dock_media(runs=200, days=120)
    # the closed form is continuous in time, the model steps once a day: within 3 % of the market
    assert result.max_gap_closed_form < 0.03
    # against the exact discrete recursion, the gap is sampling noise
    assert result.max_z_recursion < 4.0
    assert min(result.ks_pvalues.values()) > 0.01, result.ks_pvalues
    assert result.fitted_p == pytest.approx(result.p, rel=0.1)
    assert result.fitted_q == pytest.approx(result.q, rel=0.05)


def test_mass_media_docking_detects_a_wrong_imitation():
    """The comparison has power: the closed form with q 20 % off misses the model's curve by far
    more than the tolerance above."""
    import numpy as np

    from circlesim.validation.bass import bass_cdf
    from circlesim.validation.docking import MEDIA_DOCKING, model_media_curve

    curves = np.array([model_media_curve(120, seed) for seed in range(40)])
    mean = curves.mean(axis=0) / MEDIA_DOCKING["market_size"]
    t = np.arange(121)
    p = MEDIA_DOCKING["media_conversion"]  # one impression per person per day
    q = MEDIA_DOCKING["media_imitation"] / 30
    assert np.abs(mean - bass_cdf(t, p, q)).max() < 0.03
    assert np.abs(mean - bass_cdf(t, p, 1.2 * q)).max() > 0.06
