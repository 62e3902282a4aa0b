"""A claim's verdict from its robustness share, its condition and its base contrast.

- **holds robustly**: the claimed direction holds in at least 90 % of the plausible space
  (:data:`ROBUST`);
- **holds when ...**: it does not, but a region of at least 20 % of the space, described by one
  or two parameter thresholds, has the direction in at least 90 % of its points (and clearly more
  often than outside it): the condition is that region in words;
- **does not hold**: neither.

The verdict text also reports the base contrast (the defaults, with its 95 % CI). These rules are
fixed before any run and never adjusted to a result.
"""

from __future__ import annotations

import math

from ..parameters import PARAMETERS

__all__ = ["ROBUST", "VERDICTS", "describe_condition", "verdict"]

ROBUST = 0.90
VERDICTS = ("holds robustly", "holds when", "does not hold")


def _value(name: str, t: float) -> str:
    spec = PARAMETERS.get(name)
    if spec is not None and spec.kind == "int":
        return str(int(math.floor(t)) if t >= 0 else t)
    return f"{t:.3g}"


def describe_condition(condition) -> str:
    parts = []
    for name, op, t in condition.rules:
        if PARAMETERS.get(name) is not None and PARAMETERS[name].kind == "int":
            # x > 4.5 means x >= 5; x <= 4.5 means x <= 4
            parts.append(f"{name} >= {math.floor(t) + 1}" if op == ">" else
                         f"{name} <= {math.floor(t)}")
        else:
            parts.append(f"{name} {op} {t:.3g}")
    return " and ".join(parts)


def _fmt(x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.3g}"


def _base_sentence(claim, primary: dict) -> str:
    outcome = claim.outcome(claim.primary)
    lo, hi = primary["ci"]
    eff = primary["effect"]
    if eff is None:
        return f"At the defaults the {outcome.label} could not be measured."
    if lo is not None and hi is not None and (lo > 0 or hi < 0):
        agree = (eff > 0) == (outcome.direction == "+")
        what = "in the claimed direction" if agree else "against the claimed direction"
    else:
        what = "not distinguishable from zero"
    return (f"At the defaults, {claim.label_b} vs {claim.label_a}: {outcome.label} "
            f"{_fmt(primary['mean_b'])} vs {_fmt(primary['mean_a'])}, difference {_fmt(eff)} "
            f"(95% CI {_fmt(lo)} to {_fmt(hi)}, n = {primary['n']} paired runs), {what}.")


def verdict(claim, primary: dict, robustness: dict, condition) -> dict:
    """``{"verdict", "condition", "text"}`` for one claim."""
    share = robustness["share"]
    lo, hi = robustness["ci"]
    n = robustness["points"]
    outcome = claim.outcome(claim.primary)
    where = (f"the {outcome.label} moved the claimed way ({outcome.direction}) in "
             f"{_fmt(100 * share if share is not None else None)}% of {n} points of the "
             f"plausible space (95% CI {_fmt(100 * lo if lo is not None else None)} to "
             f"{_fmt(100 * hi if hi is not None else None)}%)")
    deciding = ", ".join(d["name"] for d in robustness["deciding_parameters"][:3]
                         if d["importance"] > 0)
    base = _base_sentence(claim, primary)
    if share is not None and share >= ROBUST:
        cond = "everywhere in the plausible space (>= 90% of points)"
        text = f"Holds robustly: {where}. {base}"
        return {"verdict": "holds robustly", "condition": cond, "text": text}
    if condition is not None:
        cond = describe_condition(condition)
        text = (f"Holds when {cond}: there it moved the claimed way in "
                f"{_fmt(100 * condition.share)}% of points ({_fmt(100 * condition.coverage)}% "
                f"of the space); overall {where}. {base}")
        return {"verdict": "holds when", "condition": cond, "text": text}
    opp = robustness.get("opposite_share")
    tail = f" The opposite held in {_fmt(100 * opp)}% of points." if opp else ""
    ties = robustness.get("tie_share")
    if ties:
        tail += f" In {_fmt(100 * ties)}% the arms did not differ at all."
    dec = f" What moves the effect most: {deciding}." if deciding else ""
    text = f"Does not hold: {where}; no simple region where it does.{tail}{dec} {base}"
    return {"verdict": "does not hold", "condition": "nowhere in a simple region", "text": text}
