"""A fake claim runner with a planted effect, for testing the claims machinery without the model.

``claim__<id>`` returns the row the real runner returns (``a__<outcome>``, ``b__<outcome>``),
where every outcome's paired difference is ``EFFECT(point) + noise``, with a shared per-seed
component in both arms (as common random numbers give). The planted effect is
``+1`` where ``share_probability > THRESHOLD`` (mid-range) and ``-1`` elsewhere, so the robustness share,
the deciding parameter and the condition are known.
"""

import functools

import numpy as np
import pandas as pd

from circlesim.claims.definitions import get_claim
from circlesim.parameters import PARAMETERS

#: the middle of share_probability's plausible range, so about half the points lie above it
THRESHOLD = sum(PARAMETERS["share_probability"].plausible) / 2
BASE_EFFECT = 2.0  # at the defaults (share_probability not in the overrides)
NOISE = 0.3
#: seeds each arm saw, by (claim, seed): the test checks both arms got the same one
SEEN: list = []


def planted(overrides: dict) -> float:
    if "share_probability" not in overrides:
        return BASE_EFFECT
    return 1.0 if overrides["share_probability"] > THRESHOLD else -1.0


def run(claim, scenario, overrides, seed, steps):
    rng = np.random.default_rng(seed)
    common = rng.normal(10.0, 5.0)  # shared by both arms: cancels in the paired difference
    row = {"step": claim.horizon(steps)}
    for o in claim.outcomes:
        row[f"a__{o.name}"] = common + rng.normal(0.0, NOISE)
        row[f"b__{o.name}"] = common + planted(overrides) + rng.normal(0.0, NOISE)
    SEEN.append((claim.id, seed))
    return pd.DataFrame([row])


def __getattr__(name):
    if name.startswith("claim__"):
        return functools.partial(run, get_claim(name[len("claim__"):]))
    raise AttributeError(name)
