"""Per-run seeds derived from the run's identity, never from execution order.

Every run of a sweep gets ``SeedSequence(root, spawn_key=KEY)`` where KEY is built from
the scenario name, the run's point (the canonical text of its parameter overrides, plus the
design row index for SALib designs) and the replication number. Because the key depends only
on *what* the run is, a run gets the same seed whatever the worker count, backend, the order
of grid values or how many times the sweep was resumed.

The model receives a plain 63-bit integer drawn from that SeedSequence (it seeds both
``model.rng`` and ``model.random`` in Mesa), and the same integer is written to the results
as the ``seed`` column, so any single run can be reproduced from one number:
``CommunityModel(scenario=..., rng=seed, **overrides)``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["canonical", "design_seed", "run_seed", "run_seed_sequence", "short_hash"]


def canonical(value: Any) -> str:
    """Stable text form of a JSON-able value (sorted keys, exact float repr)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True)


def _words(label: str, text: str) -> tuple[int, ...]:
    """Four 32-bit words hashed from ``label:text`` (blake2b, stable across platforms)."""
    digest = hashlib.blake2b(f"{label}:{text}".encode(), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def short_hash(value: Any, length: int = 8) -> str:
    return hashlib.blake2b(canonical(value).encode("utf-8"), digest_size=16).hexdigest()[:length]


def run_seed_sequence(
    root: int,
    scenario: str,
    overrides: Mapping[str, Any],
    replication: int,
    row: int | None = None,
) -> np.random.SeedSequence:
    """The SeedSequence of one run, from the root seed and the run's identity."""
    key = (
        *_words("scenario", scenario),
        *_words("point", canonical(dict(overrides))),
        (row + 1) if row is not None else 0,
        int(replication),
    )
    return np.random.SeedSequence(int(root), spawn_key=key)


def run_seed(
    root: int,
    scenario: str,
    overrides: Mapping[str, Any],
    replication: int,
    row: int | None = None,
) -> int:
    """A non-negative 63-bit integer seed for one run (fits Parquet int64)."""
    ss = run_seed_sequence(root, scenario, overrides, replication, row)
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def design_seed(root: int, method: str) -> int:
    """Seed for drawing a SALib design (and its bootstrap), also from the root seed."""
    ss = np.random.SeedSequence(int(root), spawn_key=_words("design", method))
    return int(ss.generate_state(1, np.uint32)[0])


def is_power_of_two(n: int) -> bool:
    return n >= 1 and (n & (n - 1)) == 0 and math.log2(n).is_integer()
