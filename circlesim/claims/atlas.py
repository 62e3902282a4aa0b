"""Running the claim atlas on the sweep engine, and turning the runs into verdicts.

For every claim two sweeps run (Parquet + manifest, resumable, any executor):

``OUT/<claim>/contrast``   the base point, ``replications`` paired runs (arm a and arm b on one
                           seed each, see :mod:`circlesim.claims.runner`);
``OUT/<claim>/robustness`` ``points`` Latin-hypercube points of the plausible ranges of the
                           assumed parameters, ``point_replications`` paired runs each.

:func:`run_atlas` returns the atlas as a plain dict (the stable JSON, ``schema`` 1).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..parameters import PARAMETERS
from .definitions import CLAIMS, SOURCES, SWITCHES, Claim, get_claim, robust_parameters
from .runner import MODULE, runner_name
from .statistics import (find_condition, first_order_importance, latin_hypercube,
                         paired_effect, point_seed, wilson)
from .verdicts import verdict

__all__ = ["FULL", "QUICK", "Sizes", "SCHEMA", "run_atlas", "robustness_points"]

SCHEMA = 1
DEFAULT_SEED = 20261130


@dataclass(frozen=True)
class Sizes:
    steps: int
    replications: int
    points: int
    point_replications: int


#: the full atlas (the issue's floor: >= 30 paired replications, >= 256 points). Two paired
#: runs per point: with one, a small effect's sign at a point is mostly noise and the share of
#: the space where a claim holds is pulled towards one half; two halve the variance for about
#: 7 minutes on 2 cores (one took 229 s).
FULL = Sizes(steps=180, replications=30, points=256, point_replications=2)
#: the test suite's mode: small and fast, same machinery
QUICK = Sizes(steps=10, replications=2, points=4, point_replications=1)


def _points_spec_class():
    """A SweepSpec whose points are given explicitly (the Latin hypercube)."""
    from circlesim.sweep import SweepSpec
    from circlesim.sweep.seeds import short_hash

    @dataclass(frozen=True)
    class PointsSpec(SweepSpec):
        explicit: tuple = ()

        def points(self) -> list[dict]:
            return [dict(p) for p in self.explicit]

        def point_count(self) -> int:
            return len(self.explicit)

        def _design_key(self) -> dict:
            return {"method": "latin-hypercube", "points": len(self.explicit),
                    "hash": short_hash([dict(p) for p in self.explicit], 16)}

        def to_dict(self) -> dict:
            d = super().to_dict()
            d["design"] = self._design_key()
            return d

        def compat_key(self) -> dict:
            k = super().compat_key()
            k["design"] = self._design_key()
            return k

    return PointsSpec


def robustness_points(claim: Claim, n: int, seed: int = DEFAULT_SEED) -> list[dict]:
    """The claim's Latin-hypercube sample of plausible ranges (same seed, same points)."""
    names = robust_parameters(claim)
    ranges = {name: PARAMETERS[name].plausible for name in names}
    ints = {name for name in names if PARAMETERS[name].kind == "int"}
    return latin_hypercube(ranges, n, point_seed(seed, f"robustness:{claim.id}"), ints)


def _spec(claim: Claim, sizes: Sizes, seed: int, runner_module: str, points=None):
    from circlesim.sweep import SweepSpec

    base = claim.base_parameters(sizes.steps)
    common = dict(
        scenarios=(claim.scenario,),
        steps=sizes.steps,
        seed=seed,
        fixed=tuple(sorted(base.items())),
        runner=runner_name(claim.id, runner_module),
        name=f"claim-{claim.id}",
        title=claim.title,
        source="circlesim claims",
    )
    if points is None:
        return SweepSpec(replications=sizes.replications, **common)
    cls = _points_spec_class()
    return cls(replications=sizes.point_replications, explicit=tuple(
        tuple(sorted(p.items())) for p in points), **common)


def _frame(out: Path):
    from circlesim.sweep import load_results

    df = load_results(out)
    return df.sort_values(["point", "replication"]).reset_index(drop=True)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_atlas(
    claims: Sequence[str] | None = None,
    *,
    quick: bool = False,
    sizes: Sizes | None = None,
    seed: int = DEFAULT_SEED,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    executor=None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    runner_module: str = MODULE,
) -> dict:
    """Run (or resume) every claim's contrast and robustness sweeps; return the atlas dict."""
    from circlesim.sweep import make_executor, run_sweep

    sizes = sizes or (QUICK if quick else FULL)
    log = log or _log
    chosen = [get_claim(c) for c in claims] if claims else list(CLAIMS)
    out = Path(out or ("results/claims-quick" if quick else "results/claims"))
    started = time.perf_counter()
    own = executor is None
    executor = executor or make_executor(workers=workers, scheduler=scheduler)
    entries = []
    runs = 0
    try:
        for i, claim in enumerate(chosen, 1):
            t0 = time.perf_counter()
            log(f"claims: [{i}/{len(chosen)}] {claim.id}: {sizes.replications} paired runs at "
                f"the base, {sizes.points} x {sizes.point_replications} over the plausible space")
            contrast_dir = out / claim.id / "contrast"
            robust_dir = out / claim.id / "robustness"
            points = robustness_points(claim, sizes.points, seed)
            for spec, directory in ((_spec(claim, sizes, seed, runner_module), contrast_dir),
                                    (_spec(claim, sizes, seed, runner_module, points),
                                     robust_dir)):
                # commit Parquet parts every ~fifth of the runs or 10 s (resumable, and
                # fewer small files than the engine's default for thousands of short runs)
                result = run_sweep(spec, directory, executor=executor, progress=progress,
                                   log=log, analyse=False, flush_seconds=10.0,
                                   flush_runs=max(5, spec.run_count() // 5))
                runs += result.planned
                if not result.ok:
                    first = next(iter(result.failures.values()), "")
                    raise RuntimeError(f"claim {claim.id}: {result.failed} runs failed in "
                                       f"{directory} (first: {first}); rerun to retry them")
            entry = analyse_claim(claim, _frame(contrast_dir), _frame(robust_dir), points,
                                  sizes)
            entry["seconds"] = round(time.perf_counter() - t0, 2)
            entries.append(entry)
            log(f"claims: {claim.id}: {entry['verdict']} (share {entry['robustness']['share']:.2f}"
                f", effect {entry['effect']:.4g} [{entry['ci'][0]:.4g}, {entry['ci'][1]:.4g}])")
    finally:
        if own:
            executor.close()
    return {
        "schema": SCHEMA,
        "generated_by": "circlesim claims (circlesim.claims.run_atlas)",
        "quick": bool(quick),
        "steps": sizes.steps,
        "replications": sizes.replications,
        "robustness_points": sizes.points,
        "point_replications": sizes.point_replications,
        "seed": seed,
        "runs": runs,
        "seconds": round(time.perf_counter() - started, 1),
        "workers": getattr(executor, "workers", None),
        "sources": SOURCES,
        "switches": SWITCHES,
        "claims": entries,
    }


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _outcome_stats(claim: Claim, frame) -> list[dict]:
    out = []
    for o in claim.outcomes:
        est = paired_effect(frame[f"a__{o.name}"], frame[f"b__{o.name}"])
        out.append({"name": o.name, "label": o.label, "claimed_direction": o.direction,
                    "effect": _num(est["effect"]), "ci": [_num(v) for v in est["ci"]],
                    "n": est["n"], "mean_a": _num(est["mean_a"]),
                    "mean_b": _num(est["mean_b"])})
    return out


def point_effects(claim: Claim, frame, n_points: int) -> np.ndarray:
    """Mean paired effect on the primary outcome at each robustness point (NaN if none)."""
    name = claim.primary
    d = (frame[f"b__{name}"] - frame[f"a__{name}"]).to_numpy(dtype=float)
    pts = frame["point"].to_numpy(dtype=int)
    effects = np.full(n_points, np.nan)
    for p in range(n_points):
        sel = (pts == p) & np.isfinite(d)
        if sel.any():
            effects[p] = d[sel].mean()
    return effects


def analyse_claim(claim: Claim, contrast, robust, points: list[dict], sizes: Sizes) -> dict:
    """One claim's JSON entry from its two sweeps' rows."""
    outcomes = _outcome_stats(claim, contrast)
    primary = next(o for o in outcomes if o["name"] == claim.primary)
    sign = 1.0 if claim.outcome(claim.primary).direction == "+" else -1.0

    names = robust_parameters(claim)
    X = np.array([[p[n] for n in names] for p in points], dtype=float).reshape(len(points),
                                                                              len(names))
    effects = point_effects(claim, robust, len(points))
    valid = np.isfinite(effects)
    holds = valid & (sign * np.nan_to_num(effects) > 0)
    opposite = valid & (sign * np.nan_to_num(effects) < 0)
    n = int(len(points))
    k = int(holds.sum())
    share = k / n if n else math.nan
    importance = first_order_importance(X[valid], effects[valid], names)
    condition = find_condition(X, holds, names) if n else None
    robustness = {
        "share": _num(share),
        "ci": [_num(v) for v in wilson(k, n)],
        "points": n,
        "point_replications": sizes.point_replications,
        "outcome": claim.primary,
        "opposite_share": _num(opposite.sum() / n) if n else None,
        "tie_share": _num((valid & (np.nan_to_num(effects) == 0)).sum() / n) if n else None,
        "undefined_points": int((~valid).sum()),
        "deciding_parameters": [{"name": d["name"], "importance": round(d["importance"], 4)}
                                for d in importance[:5]],
        "importance_method": "first-order variance share of the effect (correlation ratio over "
                             "quantile bins of the Latin-hypercube sample, bias-corrected)",
        "condition": "",
        "region": condition.as_dict() if condition else None,
        "parameters": {name: list(PARAMETERS[name].plausible) for name in names},
        "map": _map(names, X, effects, holds, importance),
    }
    v = verdict(claim, primary, robustness, condition)
    robustness["condition"] = v["condition"]
    return {
        "id": claim.id,
        "title": claim.title,
        "source": claim.source,
        "quote": claim.quote,
        "changed": {"parameter": claim.parameter, "a": claim.a, "b": claim.b,
                    "kind": "switch" if claim.is_switch else "parameter"},
        "arms": {
            "a": {"label": claim.label_a,
                  "parameters": _jsonable(claim.arm_parameters("a", sizes.steps))},
            "b": {"label": claim.label_b,
                  "parameters": _jsonable(claim.arm_parameters("b", sizes.steps))},
        },
        "scenario": claim.scenario,
        "horizon_days": claim.horizon(sizes.steps),
        "mechanism": claim.mechanism,
        "fairness": claim.fairness,
        "outcomes": outcomes,
        "primary_outcome": claim.primary,
        "effect": primary["effect"],
        "ci": primary["ci"],
        "n": primary["n"],
        "robustness": robustness,
        "verdict": v["verdict"],
        "verdict_text": v["text"],
    }


def _map(names, X, effects, holds, importance) -> dict:
    """The two deciding parameters' values at each point, and whether the claim held there."""
    top = [d["name"] for d in importance[:2]]
    if len(top) < 2:
        top = (top + [n for n in names if n not in top])[:2]
    cols = [names.index(t) for t in top]
    pts = [[_num(X[i, cols[0]]) if cols else None,
            _num(X[i, cols[1]]) if len(cols) > 1 else None,
            bool(holds[i]), _num(effects[i]) if np.isfinite(effects[i]) else None]
           for i in range(len(X))]
    return {"x": top[0] if top else None, "y": top[1] if len(top) > 1 else None,
            "columns": ["x", "y", "holds", "effect"], "points": pts}


def _jsonable(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        if isinstance(v, (bool, int, float, str)) or v is None:
            out[k] = v
        elif hasattr(v, "item"):
            out[k] = v.item()
        else:
            out[k] = str(v)
    return out


def quick_sizes(**changes) -> Sizes:
    return replace(QUICK, **changes)
