"""ABC-SMC inference with pyabc (Klinger, Rickert & Hasenauer 2018), checkpointed per generation.

Algorithm (pyabc's ``ABCSMC``; Beaumont et al. 2009, Del Moral et al. 2012): generation 0
samples the uniform priors; each later generation proposes parameters by perturbing particles
of the previous one with a multivariate normal kernel whose covariance is fitted to the
weighted previous population, simulates, and accepts a proposal if its distance to the data is
at most epsilon; epsilon is the median distance of the previous generation (adaptive). The
accepted particles, weighted by prior / proposal density, are the posterior sample. Every
generation is written to ``fit.db`` (SQLite) when it is complete; a rerun with the same data
and settings continues from the last complete generation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import atomic_write_text
from .priors import Prior
from .simulate import Problem

__all__ = ["Posterior", "run_abc", "fingerprint"]


@dataclass
class Posterior:
    """A weighted posterior sample: ``frame`` has one column per fitted parameter (model
    values, not log10) and ``weight`` (summing to 1)."""

    frame: pd.DataFrame
    priors: list[Prior]
    generations: int = 0
    simulations: int = 0
    epsilon: float = float("nan")

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.priors]

    def draw(self, n: int, rng: np.random.Generator) -> list[dict]:
        """``n`` parameter sets resampled by weight."""
        w = self.frame["weight"].to_numpy()
        idx = rng.choice(len(w), size=n, replace=True, p=w / w.sum())
        return [{k: self.frame[k].iloc[i].item() for k in self.keys} for i in idx]

    def interval(self, key: str, level: float = 0.9) -> tuple[float, float]:
        """Equal-tailed weighted credible interval of ``key``."""
        a = (1 - level) / 2
        return (weighted_quantile(self.frame[key], self.frame["weight"], a),
                weighted_quantile(self.frame[key], self.frame["weight"], 1 - a))

    def at_prior_edge(self) -> list[str]:
        """Warnings for parameters whose posterior median lies in the outer tenth of the prior
        range: the data may want a value outside it (widen with ``--prior``)."""
        notes = []
        for p in self.priors:
            lo, hi = p.bounds
            x = (p.to_scale(self.median(p.key)) - lo) / (hi - lo)
            if x < 0.1 or x > 0.9:
                side = "lower" if x < 0.1 else "upper"
                notes.append(f"{p.key}: the posterior sits at the {side} end of its prior "
                             f"({p.low:g} to {p.high:g}, from {p.source or 'the prior'}); the "
                             f"data may want a value beyond it: widen with --prior "
                             f"{p.key}=LOW:HIGH")
        return notes

    def median(self, key: str) -> float:
        return weighted_quantile(self.frame[key], self.frame["weight"], 0.5)

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        rows = []
        for p in self.priors:
            lo, hi = self.interval(p.key, level)
            rows.append({"parameter": p.key, "median": self.median(p.key), "low90": lo,
                         "high90": hi, "prior_low": p.low, "prior_high": p.high,
                         "scale": "log10" if p.log else "linear"})
        return pd.DataFrame(rows)


def weighted_quantile(values, weights, q: float) -> float:
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(v)
    v, w = v[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cdf, v))


def fingerprint(problem: Problem, settings: dict) -> str:
    """A hash of the data, priors and settings: a checkpoint is only resumed if it matches."""
    h = hashlib.sha256()
    h.update(problem.history.frame.to_csv(index=False).encode())
    h.update(json.dumps({"priors": [{k: v for k, v in vars(p).items() if k != "source"}
                                    for p in problem.priors],
                         "fixed": {k: repr(v) for k, v in sorted(problem.fixed.items())},
                         "scenario": problem.scenario, **settings},
                        sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def _sampler(workers: int, scheduler: str | None, client=None):
    import pyabc

    if client is not None or scheduler:
        if client is None:
            from distributed import Client

            try:
                client = Client(scheduler, timeout=10)
            except (OSError, TimeoutError) as err:
                raise ConnectionError(f"--scheduler {scheduler}: cannot connect "
                                      f"({type(err).__name__})") from None
        return pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=4)
    if workers <= 1:
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)


def run_abc(problem: Problem, out: str | os.PathLike, *, particles: int = 200,
            generations: int = 8, min_acceptance: float = 0.02, max_minutes: float = 9.0,
            workers: int = 1, scheduler: str | None = None, client=None, seed: int = 0,
            progress: bool = True, quiet_library: bool = True) -> Posterior:
    """Fit ``problem`` by ABC-SMC; checkpoint in ``out/fit.db``; return the last posterior.

    Stops after ``generations`` generations, when a generation accepts fewer than
    ``min_acceptance`` of its proposals, or when the next generation would likely end after
    ``max_minutes`` (estimated after each generation as 1.5 times the last one's time; the
    first generation always runs). A rerun with the same ``out`` and the same data and settings continues
    from the last complete generation (an interrupted or time-limited run) up to
    ``generations``; a fit that already has them is loaded, not recomputed.
    """
    import pyabc

    if quiet_library:
        for name in ("ABC", "pyabc", "Sampler", "ABC.Sampler", "ABC.History", "ABC.Distance",
                     "ABC.Epsilon", "ABC.Population", "ABC.Adaptation", "ABC.Transition",
                     "ABC.Predictor"):
            logging.getLogger(name).setLevel(logging.WARNING)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "fit.db"
    state_path = out / "fit-state.json"
    settings = {"particles": particles, "seed": seed}
    key = fingerprint(problem, settings)
    state = json.loads(state_path.read_text()) if state_path.exists() else None
    if state is not None and state.get("fingerprint") != key:
        from ..parameters import ParameterError

        raise ParameterError("out", f"--out {out}: holds a fit of other data or settings; "
                                    f"use another --out folder or delete {db_path}")
    np.random.seed(seed)
    prior = pyabc.Distribution(**{
        p.name: pyabc.RV("uniform", p.bounds[0], p.bounds[1] - p.bounds[0])
        for p in problem.priors})
    distance = pyabc.AdaptivePNormDistance(
        p=2, scale_function=pyabc.distance.scale.standard_deviation)
    abc = pyabc.ABCSMC(problem, prior, distance, population_size=particles,
                       sampler=_sampler(workers, scheduler, client))
    db = f"sqlite:///{db_path}"
    done_before = 0
    if state is not None and db_path.exists():
        history = abc.load(db, state.get("abc_id", 1))
        done_before = history.max_t + 1
    else:
        if db_path.exists():
            db_path.unlink()
        history = abc.new(db, problem.observed())
        state = {"fingerprint": key, "abc_id": history.id, "finished": False, "seconds": 0.0}
        atomic_write_text(state_path, json.dumps(state))
    remaining = generations - done_before
    started = time.monotonic()
    # a rerun continues until ``generations``, unless the last run stopped because too few
    # proposals were accepted (more generations would not help)
    stopped = remaining <= 0 or state.get("stopped_because") == "acceptance"
    bar = None
    if progress and not stopped:
        from tqdm import tqdm

        bar = tqdm(total=generations, initial=done_before, unit="generation", desc="fitting",
                   file=sys.stderr, disable=None, leave=False)
    try:
        if not stopped:
            t = abc.initialize_components_before_run(
                minimum_epsilon=0.0, max_nr_populations=remaining,
                min_acceptance_rate=min_acceptance, max_total_nr_simulations=np.inf,
                max_walltime=None, min_eps_diff=0.0)
            while True:
                t_gen = time.monotonic()
                ret = abc.run_generation(t=t)
                # the next generation usually needs more proposals than this one (epsilon falls)
                next_minutes = 1.5 * (time.monotonic() - t_gen) / 60
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(eps=f"{abc.eps(t):.3g}",
                                    accepted=f"{ret['acceptance_rate']:.0%}", refresh=True)
                minutes = (time.monotonic() - started) / 60
                out_of_time = minutes + next_minutes > max_minutes
                if (not ret["successful"] or t >= abc.max_t
                        or ret["acceptance_rate"] < min_acceptance or out_of_time):
                    state["finished"] = True
                    state["stopped_because"] = (
                        "generations" if t >= abc.max_t else
                        "acceptance" if ret["acceptance_rate"] < min_acceptance else
                        "time" if out_of_time else "sampler")
                    break
                t += 1
    finally:
        if bar is not None:
            bar.close()
        state["seconds"] = float(state.get("seconds", 0.0) + time.monotonic() - started)
        atomic_write_text(state_path, json.dumps(state))
    return posterior_from_history(abc.history, problem.priors)


def posterior_from_history(history, priors: list[Prior]) -> Posterior:
    t = history.max_t
    df, w = history.get_distribution(m=0, t=t)
    frame = pd.DataFrame({p.key: [p.to_value(x) for x in df[p.name].to_numpy()]
                          for p in priors})
    frame["weight"] = np.asarray(w, dtype=float) / np.sum(w)
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    eps = float(pops["epsilon"].iloc[-1]) if len(pops) else float("nan")
    sims = int(pops["samples"].sum()) if len(pops) else 0
    return Posterior(frame.reset_index(drop=True), priors, generations=t + 1,
                     simulations=sims, epsilon=eps)
