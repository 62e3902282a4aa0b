"""The claims tab's data: the claims atlas (``circlesim.claims.load_atlas()``), read lazily.

No Solara here. The atlas is the claims helper's JSON (``{"schema": 1, "claims": [...]}``);
``$CIRCLESIM_CLAIMS_ATLAS`` names a JSON file to read instead (tests, or an atlas computed
elsewhere). A missing or unreadable atlas gives a message, never an error page.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from circlesim.parameters import PARAMETERS

from .forms import field_text

__all__ = ["ATLAS_ENV", "arm_texts", "claim_rows", "fmt_effect", "load"]

ATLAS_ENV = "CIRCLESIM_CLAIMS_ATLAS"
VERDICT_COLOURS = {"holds robustly": "#1a7f37", "holds when": "#9a6700",
                   "does not hold": "#b42318"}


def load() -> tuple[list[dict], str | None]:
    """(claims, None) or ([], one-line message saying why there are none)."""
    path = os.environ.get(ATLAS_ENV, "").strip()
    try:
        if path:
            atlas: Any = json.loads(Path(path).read_text())
        else:
            try:
                from circlesim.claims import load_atlas
            except ImportError:
                return [], ("The claims atlas is not part of this version of circlesim yet "
                            "(circlesim.claims.load_atlas); see docs/claims.md when it is.")
            atlas = load_atlas()
    except Exception as exc:  # a damaged atlas must not break the page
        return [], f"The claims atlas could not be read: {type(exc).__name__}: {exc}"
    if hasattr(atlas, "to_dict"):
        atlas = atlas.to_dict()
    claims = atlas.get("claims") if isinstance(atlas, dict) else atlas
    if not isinstance(claims, list):
        return [], "The claims atlas has no list of claims."
    claims = [c for c in claims if isinstance(c, dict) and c.get("id")]
    if not claims:
        return [], "The claims atlas lists no claims yet."
    return claims, None


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt_effect(effect, ci) -> str:
    """'+0.12 (95% CI 0.05 to 0.20)' with the CI when there is one."""
    e = _num(effect)
    if e is None:
        return "–"
    text = f"{e:+.3g}"
    if isinstance(ci, (list, tuple)) and len(ci) == 2:
        lo, hi = _num(ci[0]), _num(ci[1])
        if lo is not None and hi is not None:
            text += f" (95% CI {lo:.3g} to {hi:.3g})"
    return text


def claim_rows(claim: dict) -> dict[str, str]:
    """What the tab shows for one claim, as text."""
    robustness = claim.get("robustness") or {}
    share = _num(robustness.get("share"))
    primary = claim.get("primary_outcome", "")
    label = next((o.get("label") or o.get("name") for o in claim.get("outcomes") or []
                  if o.get("name") == primary), primary)
    deciding = ", ".join(str(d.get("name")) for d in robustness.get("deciding_parameters") or []
                         if isinstance(d, dict) and d.get("name"))
    changed = claim.get("changed") or {}
    return {
        "verdict": str(claim.get("verdict", "")),
        "verdict_text": str(claim.get("verdict_text", "")),
        "outcome": str(label or ""),
        "effect": fmt_effect(claim.get("effect"), claim.get("ci")),
        "n": str(claim.get("n", "")),
        "condition": str(robustness.get("condition") or ""),
        "robust_share": "" if share is None else f"{share:.0%} of the settings tried",
        "deciding": deciding,
        "changed": (f"{changed.get('parameter')}: {changed.get('a')} → {changed.get('b')}"
                    if changed.get("parameter") else ""),
    }


def arm_texts(claim: dict, arm: str) -> tuple[str, dict[str, str]]:
    """(label, {parameter: text}) for arm ``"a"`` or ``"b"`` of a claim (settings the app
    knows; others are left out)."""
    spec = (claim.get("arms") or {}).get(arm) or {}
    texts = {}
    for name, value in (spec.get("parameters") or {}).items():
        p = PARAMETERS.get(name)
        if p is None or p.kind in ("graph", "int_list"):
            continue
        try:
            texts[name] = field_text(p, value)
        except (TypeError, ValueError):
            continue
    return str(spec.get("label") or arm.upper()), texts
