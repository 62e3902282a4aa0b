"""Known truth: fitted credible intervals and forecast bands hold the truth at their rates.

Quick mode (circlesim.fit.calibration.QUICK): 10 replicates of a small group (80-person cap,
300-person market), 21 fitted days and 9 held out, 30 particles, 2 ABC-SMC generations, on 2
worker processes.
"""

from __future__ import annotations

import pytest

from circlesim.fit.calibration import KNOWN_TRUTH, run_known_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replicates():
    return run_known_truth(replicates=10, workers=2)


def test_true_values_inside_the_90_percent_interval_in_at_least_80_percent_of_fits(replicates):
    assert len(replicates) >= 10
    for key in KNOWN_TRUTH:
        inside = replicates[f"{key}_inside"].mean()
        assert inside >= 0.8, (key, inside, replicates.filter(like=key))


def test_the_intervals_are_informative(replicates):
    # not a vacuous pass: a pipeline that returned the prior would give intervals of 90% of
    # the prior's width; the data narrow them (quick mode, 21 days: to about two thirds)
    for key in KNOWN_TRUTH:
        assert replicates[f"{key}_width"].mean() < 0.8, key


def test_forecast_bands_cover_held_out_days_at_about_their_nominal_rate(replicates):
    cover90 = replicates["held_cover90"].mean()
    cover50 = replicates["held_cover50"].mean()
    assert 0.8 <= cover90 <= 1.0, cover90
    assert 0.35 <= cover50 <= 0.9, cover50
