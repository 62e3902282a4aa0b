"""Compile the engine once, ahead of the first real run: ``python -m circlesim.warmup``.

The rules are numba functions compiled on first use and cached on disk (``kernels.py``), so
only the very first run on a machine pays for compiling them (tens of seconds on two cores).
``scripts/setup`` runs this module at its end, so the first run a user starts is warm. It runs
a few tiny models that reach every compiled path: the baseline, a day with pruning, paid
seeding and overload, and a loaded friendship graph. Once the cache is warm it takes about a
second.
"""

from __future__ import annotations

import sys
import time


def warm_up() -> float:
    """Run the tiny models; return the seconds it took (compiling included)."""
    import networkx as nx

    from .model import CommunityModel

    start = time.perf_counter()
    for overrides in (
        {},
        {"pruning": True, "prune_interval": 1, "seeding_budget": 1.0,
         "reading_capacity": 2.0, "initial_members": 30, "market_size": 2000},
        {"market_graph": nx.watts_strogatz_graph(300, 6, 0.1, seed=1), "initial_members": 10},
    ):
        model = CommunityModel(rng=0, **overrides)
        model.run(3)
        model.to_frame()
        model.members_frame()
    return time.perf_counter() - start


def main() -> int:
    seconds = warm_up()
    print(f"circlesim: engine compiled and cached ({seconds:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
