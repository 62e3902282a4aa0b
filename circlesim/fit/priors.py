"""Priors of the fitted parameters: uniform over each parameter's plausible range.

The range comes from ``PARAMETERS[key].plausible`` (a ``(low, high)`` pair) when the parameter
table declares it, otherwise from :data:`DEFAULT_RANGES` below, always clipped to the
parameter's allowed range. Parameters that span orders of magnitude (rates near zero, group and
market sizes) get a log-uniform prior: uniform in ``log10(value)``. A user can give another
range with ``--prior KEY=LOW:HIGH``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..parameters import PARAMETERS, ParameterError

__all__ = ["DEFAULT_RANGES", "LOG_SCALE", "Prior", "make_priors", "parse_prior"]

#: Fallback plausible ranges (used when ``ParamSpec.plausible`` is absent). They are the
#: assumption of this module: wide enough to hold every real group we know of, narrow enough
#: that a few thousand simulations can search them.
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "initial_members": (2, 500),
    "max_members": (20, 10_000),
    "market_size": (200, 200_000),
    "friends_mean": (5, 500),
    "friend_homophily": (0.2, 1.0),
    "centre_strength": (0.0, 1.0),
    "member_ties": (0, 20),
    "niche_width": (0.01, 0.5),
    "visit_floor": (0.005, 0.5),
    "activity_sigma": (0.5, 3.0),
    "post_rate": (0.001, 0.5),
    "organiser_posts": (0.0, 10.0),
    "reply_probability": (0.02, 0.8),
    "reply_reward": (0.0, 0.5),
    "relevance_width": (0.02, 0.5),
    "contagion": (0.0, 0.1),
    "campaign_tone": (0.2, 1.0),
    "engagement_decay": (0.0005, 0.05),
    "initial_engagement": (0.1, 0.9),
    "problem_probability": (0.0005, 0.05),
    "answer_capacity": (0, 50),
    "member_help": (0.0, 0.3),
    "answer_lift": (0.0, 0.8),
    "complaint_leave_risk": (0.0, 0.2),
    "share_probability": (0.01, 0.6),
    "reach_probability": (0.01, 0.6),
    "join_probability": (0.005, 0.5),
    "seeding_budget": (0.0, 100.0),
    "leave_rate": (0.001, 0.1),
    "inactive_days": (7, 120),
    "invite_acceptance": (0.05, 1.0),
}

#: Parameters searched on a log10 scale (their plausible values span orders of magnitude).
LOG_SCALE = frozenset({
    "initial_members", "max_members", "market_size", "friends_mean", "post_rate",
    "engagement_decay", "problem_probability", "leave_rate", "visit_floor",
})


@dataclass(frozen=True)
class Prior:
    """Uniform prior of one parameter on ``[low, high]`` (in log10 if ``log``)."""

    key: str
    low: float
    high: float
    log: bool
    integer: bool
    source: str = ""

    @property
    def name(self) -> str:
        """The name inference works with (``log10_<key>`` for log-scale priors)."""
        return f"log10_{self.key}" if self.log else self.key

    @property
    def bounds(self) -> tuple[float, float]:
        """Bounds on the inference scale."""
        if self.log:
            return math.log10(self.low), math.log10(self.high)
        return self.low, self.high

    def to_value(self, x: float):
        """Inference-scale number -> a valid parameter value."""
        value = 10.0 ** x if self.log else float(x)
        value = min(max(value, self.low), self.high)
        return int(round(value)) if self.integer else value

    def to_scale(self, value: float) -> float:
        return math.log10(value) if self.log else float(value)


def parse_prior(text: str) -> tuple[str, tuple[float, float]]:
    """``"key=low:high"`` -> ``(key, (low, high))``; raises ParameterError (one line)."""
    key, sep, rest = text.partition("=")
    key = key.strip()
    lo_text, sep2, hi_text = rest.partition(":")
    try:
        if not sep or not sep2:
            raise ValueError
        pair = (float(lo_text), float(hi_text))
    except ValueError:
        raise ParameterError(key or text, f"--prior {text!r}: expected KEY=LOW:HIGH, "
                                          f"e.g. share_probability=0.01:0.5") from None
    return key, pair


def make_priors(keys, overrides: dict[str, tuple[float, float]] | None = None) -> list[Prior]:
    """Priors of ``keys`` (validated: known, numeric, with a plausible range)."""
    overrides = overrides or {}
    priors = []
    for key in keys:
        spec = PARAMETERS.get(key)
        if spec is None:
            from ..parameters import Parameters

            try:
                Parameters.from_mapping({key: 0})
            except ParameterError as exc:  # the shared one-line "unknown parameter ... did you
                raise ParameterError(key, f"--params: {exc}") from None  # mean" message
        if spec.kind not in ("float", "int"):
            raise ParameterError(key, f"--params {key}: only numeric parameters can be fitted "
                                      f"({key} is {spec.kind}); set it with --set {key}=...")
        if key in overrides:
            rng, source = overrides[key], "--prior"
        elif getattr(spec, "plausible", None):
            rng, source = spec.plausible, "plausible range in PARAMETERS"
        else:
            rng, source = DEFAULT_RANGES.get(key), "circlesim.fit.priors.DEFAULT_RANGES"
        if rng is None:
            raise ParameterError(key, f"--params {key}: no plausible range is known; give one "
                                      f"with --prior {key}=LOW:HIGH")
        lo_allowed = -math.inf if spec.low is None else spec.low
        hi_allowed = math.inf if spec.high is None else spec.high
        lo, hi = max(float(rng[0]), lo_allowed), min(float(rng[1]), hi_allowed)
        if key in overrides and not (lo_allowed <= rng[0] < rng[1] <= hi_allowed):
            raise ParameterError(key, f"--prior {key}={rng[0]:g}:{rng[1]:g} is invalid: allowed "
                                      f"LOW < HIGH within {spec.allowed()}")
        if not lo < hi:
            raise ParameterError(key, f"--params {key}: empty prior range {lo:g}:{hi:g}")
        log = key in LOG_SCALE and lo > 0
        priors.append(Prior(key, lo, hi, log, spec.kind == "int", source))
    if len({p.key for p in priors}) != len(priors):
        raise ParameterError(priors[0].key, "--params: a parameter is listed twice")
    return priors
