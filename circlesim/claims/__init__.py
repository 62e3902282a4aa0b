"""Claims the model earns: the source texts' claims as one-factor contrasts, with robustness.

Public API::

    from circlesim.claims import CLAIMS, load_atlas, run_atlas
    atlas = load_atlas()                  # the packaged atlas (docs/claims.md is made from it)
    for c in atlas["claims"]:
        print(c["id"], c["verdict"], c["effect"], c["ci"], c["robustness"]["share"])
    fresh = run_atlas(quick=True)         # run it again (on the sweep engine)

See docs/claims.md for the method and the current verdicts; ``circlesim claims --help``.
"""

from __future__ import annotations

import json
from importlib import resources

from .definitions import CLAIMS, SOURCES, SWITCHES, Claim, Outcome, get_claim, robust_parameters

__all__ = ["CLAIMS", "SOURCES", "SWITCHES", "Claim", "Outcome", "get_claim", "load_atlas",
           "robust_parameters", "run_atlas"]


def load_atlas() -> dict:
    """The packaged atlas (``circlesim/claims/atlas.json``, schema 1), as a dict."""
    text = resources.files(__package__).joinpath("atlas.json").read_text(encoding="utf-8")
    return json.loads(text)


def run_atlas(*args, **kwargs) -> dict:
    """Run (or resume) the atlas; see :func:`circlesim.claims.atlas.run_atlas`."""
    from .atlas import run_atlas as _run

    return _run(*args, **kwargs)
