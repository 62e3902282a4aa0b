"""Sweep runners for claims: one sweep run = one *paired* replication of a claim.

The sweep engine calls ``runner(scenario, overrides, seed, steps)`` (see
:mod:`circlesim.sweep.worker`). For a claim, ``circlesim.claims.runner:claim__<id>`` runs arm a
and arm b with the **same seed** (common random numbers), both on ``overrides`` (the claim's base
plus, for robustness, one sampled point) and the arm's one change, and returns one row: ``step``
and ``a__<outcome>`` / ``b__<outcome>`` for every outcome of the claim. A switch claim (both arms
on the same parameters) runs the model once and reads each arm's channel from it.

Runner names are resolved by the module ``__getattr__`` below, so they work in process pools and
on Dask workers alike (the worker imports this module and asks for the name).
"""

from __future__ import annotations

import functools

import pandas as pd

from .definitions import Claim, get_claim

__all__ = ["PREFIX", "run_pair", "runner_name", "simulate"]

PREFIX = "claim__"
MODULE = __name__


def runner_name(claim_id: str, module: str = MODULE) -> str:
    """The sweep runner string of a claim, e.g. ``circlesim.claims.runner:claim__two_way``."""
    return f"{module}:{PREFIX}{claim_id}"


def simulate(scenario: str, params: dict, seed: int, days: int) -> pd.DataFrame:
    """One model run's daily frame (day 0 to ``days``)."""
    from circlesim import CommunityModel

    model = CommunityModel(scenario=scenario, rng=seed, **params)
    model.run(days)
    return model.to_frame()


def run_pair(claim: Claim, scenario: str, overrides: dict, seed: int, steps: int,
             simulate=simulate) -> pd.DataFrame:
    """Both arms of ``claim`` with one seed; one row of outcomes per arm."""
    days = claim.horizon(steps)
    frames = {}
    params = {}
    for arm in ("a", "b"):
        params[arm] = {**overrides, **claim.change(arm)}
    frames["a"] = simulate(scenario, params["a"], seed, days)
    frames["b"] = (frames["a"] if params["b"] == params["a"]
                   else simulate(scenario, params["b"], seed, days))
    row: dict = {"step": days}
    for outcome in claim.outcomes:
        for arm in ("a", "b"):
            row[f"{arm}__{outcome.name}"] = float(outcome.measure(frames[arm], arm))
    return pd.DataFrame([row])


def __getattr__(name: str):
    if name.startswith(PREFIX):
        try:
            claim = get_claim(name[len(PREFIX):])
        except KeyError:
            raise AttributeError(f"no claim {name[len(PREFIX):]!r}") from None
        fn = functools.partial(run_pair, claim)
        fn.__name__ = name  # type: ignore[attr-defined]
        return fn
    raise AttributeError(name)
