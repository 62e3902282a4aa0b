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
    import numpy as np

    from . import rules
    from .kernels import MEMBER, PeopleTable, seed_state
    from .model import CommunityModel

    start = time.perf_counter()
    for overrides in (
        {},
        # pruning and invitations every day, paid seeding, overload, a binding cap
        {"pruning": True, "prune_interval": 1, "value_window": 1, "prune_threshold": 2.0,
         "prune_fraction": 0.2, "seeding_budget": 1.0, "reading_capacity": 2.0,
         "initial_members": 30, "max_members": 30, "market_size": 2000},
        {"market_graph": nx.watts_strogatz_graph(300, 6, 0.1, seed=1), "initial_members": 10},
        # more paid exposures on day 1 than the room kept from day 0: the day stops after
        # step 6 for room, and steps 7-8 run as calls of their own
        {"seeding_budget": 50.0, "initial_members": 10},
    ):
        model = CommunityModel(rng=0, **overrides)
        model.run(3)
        model.to_frame()
        model.members_frame()
        model.market.gather_friends(np.arange(3))
    table = PeopleTable()  # the table of touched people, as it grows and is read
    table.set(np.arange(10), MEMBER)
    table.clear(np.arange(5), MEMBER)
    table.get(np.arange(10))
    table.reserve(4096)
    rules.admit_up_to_cap(5, 2, seed_state(np.random.default_rng(0)))  # a binding cap
    return time.perf_counter() - start


def main() -> int:
    seconds = warm_up()
    print(f"circlesim: engine compiled and cached ({seconds:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
