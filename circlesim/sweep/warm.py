"""Imported once by the local pool's forkserver (``executors.PRELOAD``): a three-day baseline
run there loads the engine's compiled rules from numba's on-disk cache, so every worker forked
from the server starts warm.

Without it each worker loads them on its first run (about 0.5 s of CPU per worker, per sweep:
a pool's workers live as long as one sweep, the forkserver as long as the process that
started it, so later sweeps from the same process, e.g. a claims atlas or a fit, pay nothing).
"""

from __future__ import annotations


def warm_up() -> None:
    try:
        from circlesim import CommunityModel

        CommunityModel(rng=0).run(3)
    except Exception:  # noqa: BLE001 - a worker then loads what it needs itself
        pass


warm_up()
