"""Goodness of fit says plainly when a fit does not describe the data (no simulation needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from circlesim.fit import Forecast, goodness_of_fit, history_from_frame


def _forecast(rng, days=30):
    # 200 predictive paths: members ~ 20 + day + noise
    paths = 20 + np.arange(days + 1)[None, :, None] + rng.normal(0, 2, (200, days + 1, 1))
    return Forecast(paths, ["members"], [{}] * 200, list(range(200)), fit_last_day=19,
                    data_last_day=days)


def test_data_from_the_predictive_distribution_is_described():
    rng = np.random.default_rng(1)
    fc = _forecast(rng, days=120)
    obs = 20 + np.arange(121) + rng.normal(0, 2, 121)
    g = goodness_of_fit(fc, history_from_frame(pd.DataFrame({"day": range(121),
                                                             "members": obs})), 19)
    assert g.describes and g.verdict.startswith("The fit describes these data")
    assert 0.75 <= g.held_cover90 <= 1 and 0.2 <= g.held_cover50 <= 0.85
    assert g.table["fitted_r2"].iloc[0] > 0.8


def test_a_break_after_the_fitted_days_is_reported_as_not_described():
    rng = np.random.default_rng(2)
    fc = _forecast(rng)
    obs = 20 + np.arange(31) + rng.normal(0, 2, 31)
    obs[20:] = obs[19] - 3 * np.arange(1, 12)  # the group collapses after day 19
    h = history_from_frame(pd.DataFrame({"day": range(31), "members": np.clip(obs, 0, None)}))
    g = goodness_of_fit(fc, h, 19)
    assert not g.describes
    assert g.verdict.startswith("The fit does not describe these data")
    assert g.held_cover90 < 0.2 and g.fitted_cover90 > 0.75
    bands = fc.bands()
    assert set(bands["part"]) == {"fitted", "held out"}
