"""The patterns of DESIGN.md §5: each one's target band, source and how it is measured.

Every pattern is computed from a list of replications (dicts from
:func:`circlesim.validation.measure.run_replication`) and returns a :class:`Check`: the model's
value with a 95 % confidence interval over replications, the target band, and whether the
**whole** interval lies inside the band (a point estimate that happens to fall inside is not
enough). Rows with ``band=None`` are reported for comparison only and never fail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .bass import BassFit, fit_bass
from .measure import NEWCOMER_FOLLOW_UP
from .stats import Estimate, bootstrap_sums, mean_ci

__all__ = ["Check", "PATTERNS", "evaluate_patterns", "mean_curve", "bass_fit_with_ci",
           "KRAMER_D", "BASS_PUBLISHED"]

#: Kramer, Guillory & Hancock (2014): effect sizes of emotional contagion, d from 0.001 to 0.02.
KRAMER_D = 0.02
#: ... and the smallest of their effects.
KRAMER_D_LOW = 0.001
#: Sultan, Farley & Lehmann (1990) meta-analysis: average Bass coefficients per year.
BASS_PUBLISHED = {"p": 0.03, "q": 0.38}
#: Generations below a share from which a recruitment chain counts as long.
LONG_CHAIN = 5


@dataclass
class Check:
    """One row of the validation table."""

    key: str
    pattern: str
    measure: str
    estimate: Estimate
    band: tuple[float, float] | None
    source: str
    unit: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: True: the whole 95 % CI must lie inside the band; False: the mean must (used where the
    #: statistic rests on few people per run, e.g. the top 1 % of about 400 members).
    strict: bool = True

    @property
    def informational(self) -> bool:
        return self.band is None

    @property
    def passed(self) -> bool:
        if self.band is None:
            return True
        low, high = self.band
        e = self.estimate
        if not self.strict:
            return math.isfinite(e.value) and low <= e.value <= high
        if not all(math.isfinite(v) for v in (e.value, e.low, e.high)):
            return False
        return low <= e.low and e.high <= high

    def band_text(self) -> str:
        if self.band is None:
            return "(reported)"
        low, high = self.band
        fmt = _formatter(self.unit)
        if 0 < low < 1e-6:
            return "> 0"
        if math.isinf(high) or (self.unit == "share" and high >= 1):
            return f">= {fmt(low)}"
        if low <= 0 and not (self.unit == "points"):
            return f"<= {fmt(high)}"
        return f"{fmt(low)} to {fmt(high)}"

    def value_text(self) -> str:
        fmt = _formatter(self.unit)
        e = self.estimate
        if not math.isfinite(e.low):
            return fmt(e.value)
        return f"{fmt(e.value)} [{fmt(e.low)}, {fmt(e.high)}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "pattern": self.pattern, "measure": self.measure,
            **self.estimate.as_dict(),
            "band": None if self.band is None else [self.band[0], self.band[1]],
            "band_text": self.band_text(), "passed": self.passed,
            "informational": self.informational, "strict": self.strict,
            "source": self.source, "unit": self.unit,
            "note": self.note, **({"extra": self.extra} if self.extra else {}),
        }


def _formatter(unit: str) -> Callable[[float], str]:
    if unit == "share":
        return lambda v: "-" if not math.isfinite(v) else f"{100 * v:.1f}%"
    if unit == "points":
        return lambda v: "-" if not math.isfinite(v) else f"{100 * v:+.1f} pts"
    return lambda v: "-" if not math.isfinite(v) else (f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}")


def _per_rep(reps: Sequence[dict], key: str) -> Estimate:
    return mean_ci([r[key] for r in reps])


# ---------------------------------------------------------------- participation inequality
def _participation(reps: Sequence[dict]) -> list[Check]:
    src_nielsen = ("Nielsen 2006 (90-9-1); van Mierlo 2014: under 25% of members of large "
                   "health communities ever post")
    return [
        Check("ever_posted", "participation inequality",
              "share of members (everyone who ever joined) who ever posted",
              _per_rep(reps, "ever_posted_share"), (0.05, 0.25), src_nielsen, "share"),
        Check("top1_share", "participation inequality",
              "share of all member posts written by the top 1% of members",
              _per_rep(reps, "top1_share"), (0.5, 1.0),
              "Nielsen 2006; van Mierlo 2014 (top 1% wrote 74% of posts)", "share",
              strict=False),
        Check("gini", "participation inequality", "Gini coefficient of posts per member",
              _per_rep(reps, "gini"), None, "reported (no published band)", ""),
        Check("split_lurker", "participation inequality", "90-9-1 split: lurkers (never posted)",
              _per_rep(reps, "split_lurker"), None, "Nielsen 2006: 90%", "share"),
        Check("split_contributor", "participation inequality",
              "90-9-1 split: occasional contributors",
              mean_ci([1 - r["split_lurker"] - r["split_heavy"] for r in reps]), None,
              "Nielsen 2006: 9%", "share"),
        Check("split_heavy", "participation inequality",
              "90-9-1 split: heavy contributors (>= 1 post a week of membership)",
              _per_rep(reps, "split_heavy"), None, "Nielsen 2006: 1%", "share"),
    ]


# ---------------------------------------------------------------- newcomers
def _newcomers(reps: Sequence[dict]) -> list[Check]:
    # columns: replied & again, replied, unreplied & again, unreplied
    table = np.array([[r["newcomers_replied_again"], r["newcomers_replied"],
                       r["newcomers_unreplied_again"], r["newcomers_unreplied"]] for r in reps])
    replied = bootstrap_sums(table, lambda s: s[..., 0] / s[..., 1], seed=1)
    unreplied = bootstrap_sums(table, lambda s: s[..., 2] / s[..., 3], seed=2)
    effect = bootstrap_sums(table, lambda s: s[..., 0] / s[..., 1] - s[..., 2] / s[..., 3],
                            seed=3)
    extra = {"newcomers_replied": int(table[:, 1].sum()),
             "newcomers_unreplied": int(table[:, 3].sum())}
    src = "Joyce & Kraut 2006: 44% -> 56% (+12 pts, 95% CI about +8 to +16 pts)"
    return [
        Check("newcomer_reply_effect", "newcomer reply effect",
              f"posted again: first post replied minus not replied (first posts >= "
              f"{NEWCOMER_FOLLOW_UP} days before the end)", effect, (0.04, 0.20),
              src, "points", extra=extra, strict=False),
        Check("newcomer_reply_positive", "newcomer reply effect",
              "the same difference is positive (its 95% CI excludes 0)", effect, (1e-9, 1.0),
              "Joyce & Kraut 2006: a reply raises the chance of posting again", "points"),
        Check("newcomer_again_unreplied", "newcomer reply effect",
              "posted again, first post got no reply", unreplied, None,
              "Joyce & Kraut 2006: 44%", "share"),
        Check("newcomer_again_replied", "newcomer reply effect",
              "posted again, first post got a reply", replied, None,
              "Joyce & Kraut 2006: 56%", "share"),
    ]


# ---------------------------------------------------------------- cascades
def _cascades(reps: Sequence[dict]) -> list[Check]:
    src = "Goel, Watts & Goldstein 2012: the vast majority of cascades are small; chains rare"
    rows = []
    for r in reps:
        size, depth = np.asarray(r["cascade_size"]), np.asarray(r["cascade_depth"])
        rows.append([r["shares"], (depth >= 1).sum(), (depth >= 2).sum(), (depth >= 3).sum(),
                     (depth >= LONG_CHAIN).sum(), (size >= 10).sum(),
                     r["members_recruited_nobody"], r["ever_joined"]])
    table = np.array(rows, dtype=float)

    def share_of(column: int, complement: bool = False):
        if complement:
            return lambda s: 1 - s[..., column] / s[..., 0]
        return lambda s: s[..., column] / s[..., 0]

    nobody = bootstrap_sums(table, share_of(1, True), seed=4)
    within_one = bootstrap_sums(table, share_of(2, True), seed=5)
    three = bootstrap_sums(table, share_of(3), seed=6)
    long_chain = bootstrap_sums(table, share_of(4), seed=7)
    size10 = bootstrap_sums(table, share_of(5), seed=8)
    members_nobody = bootstrap_sums(table, lambda s: s[..., 6] / s[..., 7], seed=9)
    note = f"shares made at least {NEWCOMER_FOLLOW_UP} days before the end"
    return [
        Check("shares_recruit_nobody", "sharing cascades small",
              "shares that recruit nobody", nobody, (0.9, 1.0),
              "Goel, Watts & Goldstein 2012: over 90% of cascades end at the seed", "share",
              note),
        Check("shares_within_one_generation", "sharing cascades small",
              "shares whose cascade stops within one generation", within_one, (0.75, 1.0),
              src, "share", note),
        Check("shares_long_chain", "sharing cascades small",
              f"shares starting a chain of {LONG_CHAIN}+ generations", long_chain, (0.0, 0.05),
              src, "share", note),
        Check("shares_three_generations", "sharing cascades small",
              "shares starting a chain of 3+ generations", three, None,
              "Goel et al. 2012: adoptions from chains of referrals are extremely rare", "share"),
        Check("shares_size10", "sharing cascades small",
              "shares whose cascade reaches 10+ people", size10, None, "reported", "share"),
        Check("members_recruit_nobody", "sharing cascades small",
              "members (ever joined) who recruited nobody", members_nobody, None,
              "reported", "share"),
    ]


# ---------------------------------------------------------------- emotional contagion
def _contagion(reps: Sequence[dict]) -> list[Check]:
    d = _per_rep(reps, "contagion_d")
    return [
        Check("contagion_d", "emotional contagion small per exposure",
              "Cohen's d of one extra positive post seen on the reader's engagement",
              d, (KRAMER_D_LOW, KRAMER_D),
              "Kramer et al. 2014: real but small, d 0.001-0.02 (at a neutral campaign tone)", "",
              extra={"kramer_d": KRAMER_D}),
        Check("contagion_delta", "emotional contagion small per exposure",
              "engagement gained from one extra positive post (scale 0-1)",
              _per_rep(reps, "contagion_delta"), None, "reported", ""),
    ]


# ---------------------------------------------------------------- Bass
def mean_curve(reps: Sequence[dict], key: str = "cumulative_joined") -> np.ndarray:
    return np.mean([np.asarray(r[key], dtype=float) for r in reps], axis=0)


def _founders(reps: Sequence[dict]) -> float:
    return float(np.mean([r["cumulative_joined"][0] for r in reps]))


def bass_fit_with_ci(reps: Sequence[dict], resamples: int = 200, seed: int = 10,
                     key: str = "members_curve") -> tuple[BassFit, dict[str, Estimate]]:
    """Bass fit of the mean members curve (``N0 + m F(t)``, ``N0`` the founders); bootstrap
    CIs from refitting resamples of the replications."""
    offset = _founders(reps)
    t = np.arange(len(reps[0][key]))
    fit = fit_bass(t, mean_curve(reps, key), offset=offset)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(resamples if len(reps) > 1 else 0):
        pick = rng.integers(0, len(reps), size=len(reps))
        f = fit_bass(t, mean_curve([reps[i] for i in pick], key), offset=offset,
                     start=(fit.p, fit.q, fit.m))
        draws.append((f.p, f.q, f.m, f.r2, f.q / f.p, f.inflection))
    draws = np.array(draws, dtype=float).reshape(-1, 6)
    names = ("p", "q", "m", "r2", "q_over_p", "inflection")
    values = (fit.p, fit.q, fit.m, fit.r2, fit.q / fit.p, fit.inflection)
    out = {}
    for i, (name, value) in enumerate(zip(names, values)):
        col = draws[:, i][np.isfinite(draws[:, i])] if draws.size else np.empty(0)
        low, high = (np.quantile(col, [0.025, 0.975]) if col.size else (math.nan, math.nan))
        out[name] = Estimate(float(value), float(low), float(high), len(reps))
    return fit, out


def _bass(reps: Sequence[dict]) -> list[Check]:
    fit, est = bass_fit_with_ci(reps)
    days = len(reps[0]["members_curve"]) - 1
    src = "Bass 1969; Sultan, Farley & Lehmann 1990: p about 0.03, q about 0.38 per year"
    yearly = {k: Estimate(v.value * 365, v.low * 365, v.high * 365, v.n)
              for k, v in est.items() if k in ("p", "q")}
    return [
        Check("bass_r2", "word-of-mouth S-curve", f"R^2 of the Bass fit to the mean members "
              f"curve, days 0-{days}", est["r2"], (0.95, 1.0), "Bass 1969", ""),
        Check("bass_inflection", "word-of-mouth S-curve",
              "day of peak adoption (Bass inflection, ln(q/p)/(p+q)); S-shaped if inside the run",
              est["inflection"], (1.0, float(days)), "Bass 1969: S-curve when q > p", ""),
        Check("bass_q_over_p", "word-of-mouth S-curve", "q/p (imitation over innovation; "
              "independent of the time unit); S-shaped when q/p > 1", est["q_over_p"],
              (1.0, math.inf), "Bass 1969; Sultan et al. 1990: 0.38/0.03 = 12.7", ""),
        Check("bass_p_day", "word-of-mouth S-curve", "Bass p per day", est["p"], None,
              "per year: 0.03", ""),
        Check("bass_q_day", "word-of-mouth S-curve", "Bass q per day", est["q"], None,
              "per year: 0.38", ""),
        Check("bass_p_year", "word-of-mouth S-curve", "Bass p per year (p per day x 365)",
              yearly["p"], None, src, ""),
        Check("bass_q_year", "word-of-mouth S-curve", "Bass q per year (q per day x 365)",
              yearly["q"], None, src, ""),
        Check("bass_m", "word-of-mouth S-curve", "Bass m (members at saturation, beyond the "
              "founders)", est["m"], None, "the group cap of 500 less the founders", ""),
    ]


#: Pattern groups in the order of the table.
PATTERNS: dict[str, Callable[[Sequence[dict]], list[Check]]] = {
    "participation": _participation,
    "newcomers": _newcomers,
    "cascades": _cascades,
    "contagion": _contagion,
    "bass": _bass,
}


def evaluate_patterns(reps: Sequence[dict], adoption: Sequence[dict] | None = None
                      ) -> list[Check]:
    """Every check of every pattern: ``reps`` from :func:`run_replication`, ``adoption``
    (the Bass pattern's longer runs) from :func:`run_adoption` (default: ``reps``)."""
    checks: list[Check] = []
    for name, compute in PATTERNS.items():
        checks.extend(compute(adoption if name == "bass" and adoption else reps))
    return checks
