"""A memory budget: estimate what a parameter set needs before anything is built.

:func:`estimate_memory` is a per-member, per-friend and per-exposure cost model (docs/odd.md
§7, "Memory"); :func:`check_memory` refuses a parameter set whose estimate exceeds the limit
with one line naming the parameters responsible, the estimate and the limit.
``CommunityModel(..., memory_limit=None)`` calls it at construction (``None`` = half the
available memory, :func:`default_memory_limit`); ``circlesim run --memory-limit 2G`` sets it
on the command line. A test checks the estimate against measured RSS.

The horizon is not a parameter: the people reached over a run are budgeted for
:data:`HORIZON_DAYS` days (and never more than the market).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from .parameters import ParameterError, Parameters

__all__ = ["MemoryEstimate", "MemoryBudgetError", "estimate_memory", "default_memory_limit",
           "check_memory", "parse_size", "format_size", "HORIZON_DAYS"]

#: Days of reach the people table is budgeted for.
HORIZON_DAYS = 365
#: Python, numpy, pandas, Mesa, numba and the compiled rules, measured (about 260 MB) with the
#: rules cached on disk. Left out on purpose: the very first run on a machine compiles the rules
#: and peaks ~175 MB higher, once (they are then cached on disk).
RUNTIME_BYTES = 260 * 2**20
#: One member row (fields, 8 tie slots), its Mesa agent and lookups; rows grow by doubling.
MEMBER_BYTES = 1_000
#: Extra per day of the value window (a float per member per day, doubled capacity).
MEMBER_WINDOW_BYTES = 16
#: One exposure while a day is processed (target, sharer, the recruit pass, growth slack).
EXPOSURE_BYTES = 64
#: One person in the table of people touched (hash slot at load <= 1/2, growth slack).
TOUCHED_BYTES = 40
#: A founder drawn by exact weighted sampling (small markets: per person of the market).
FOUNDER_POOL_BYTES = 40
#: A loaded market graph: per node and per undirected edge (networkx while loading + CSR).
GRAPH_NODE_BYTES = 700
GRAPH_EDGE_BYTES = 500


class MemoryBudgetError(ParameterError):
    """A parameter set needs more memory than the limit. ``str(error)`` is one line."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Estimated peak memory of a run.

    Attributes
    ----------
    total_bytes : int
        Sum of the parts.
    parts : dict
        Bytes per part (``runtime``, ``members``, ``market``, ``share exposures``,
        ``paid exposures``, ``people reached``).
    drivers : dict
        For each part, the parameters behind it (the first is the main one).
    """

    total_bytes: int
    parts: dict[str, int] = field(default_factory=dict)
    drivers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _graph_size(graph: Any) -> tuple[int, int]:
    if graph is None:
        return 0, 0
    if isinstance(graph, (str, os.PathLike)):
        try:
            size = os.path.getsize(graph)
        except OSError:
            return 0, 0
        edges = size // 12  # "12345,67890\n"
        return edges, edges
    try:
        return int(graph.number_of_nodes()), int(graph.number_of_edges())
    except AttributeError:
        return 0, 0


def estimate_memory(params: Parameters) -> MemoryEstimate:
    """The memory a run with ``params`` needs at its peak (see the module doc)."""
    p = params
    parts: dict[str, int] = {}
    drivers: dict[str, tuple[str, ...]] = {}

    parts["runtime"] = RUNTIME_BYTES
    drivers["runtime"] = ()

    nodes, edges = _graph_size(p.market_graph)
    market_people = nodes if p.market_graph is not None else p.market_size
    # nobody joins twice, so the group never outgrows the market
    members = min(max(p.max_members, p.initial_members), max(market_people, 1))
    parts["members"] = members * (MEMBER_BYTES + MEMBER_WINDOW_BYTES * p.value_window)
    drivers["members"] = ("max_members", "initial_members", "value_window")

    if p.market_graph is not None:
        market_size = nodes
        parts["market"] = nodes * GRAPH_NODE_BYTES + edges * GRAPH_EDGE_BYTES
        drivers["market"] = ("market_graph",)
    else:
        market_size = p.market_size
        exact = market_size if market_size <= max(1 << 14, 8 * p.initial_members) \
            else min(p.initial_members, market_size)
        parts["market"] = exact * FOUNDER_POOL_BYTES
        drivers["market"] = ("market_size", "initial_members")

    # a day's share exposures: every member visiting and sharing at full engagement
    sharers = members * (1.0 if p.share_once else min(1.0, 2.0 * p.share_probability))
    share_exposures = sharers * p.friends_mean * p.reach_probability
    parts["share exposures"] = int(share_exposures * EXPOSURE_BYTES)
    drivers["share exposures"] = ("friends_mean", "max_members", "share_probability",
                                  "reach_probability")

    paid = p.seeding_budget / p.cost_per_seeded_exposure if p.seeding_budget > 0 else 0.0
    parts["paid exposures"] = int(min(paid * EXPOSURE_BYTES, 2.0**62))
    drivers["paid exposures"] = ("seeding_budget", "cost_per_seeded_exposure")

    reached = min(float(market_size), (share_exposures + paid) * HORIZON_DAYS)
    parts["people reached"] = int(reached * TOUCHED_BYTES)
    drivers["people reached"] = ("market_size", "friends_mean", "seeding_budget",
                                 "cost_per_seeded_exposure")

    return MemoryEstimate(total_bytes=int(sum(parts.values())), parts=parts, drivers=drivers)


def default_memory_limit() -> int:
    """Half the memory available now (``MemAvailable`` of /proc/meminfo; else half the
    physical memory; else 4 GiB)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 // 2
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):
        return 4 * 2**30


def format_size(n: float) -> str:
    """``78_000_000_000_000`` -> ``"70.9 TiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} PiB"  # pragma: no cover


_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kmgtp]?)(i?b?)\s*$", re.IGNORECASE)


def parse_size(text: str | int) -> int:
    """``"2G"``, ``"500M"``, ``"1.5GiB"``, ``"1000000"`` -> bytes (binary units).

    Raises
    ------
    ParameterError
        (key ``memory_limit``) for anything else.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        match = _SIZE.match(str(text))
        if not match:
            raise ParameterError("memory_limit", f"memory_limit={text!r} is invalid: allowed a "
                                                 "size such as 500M, 2G or 1.5GiB")
        number, unit = float(match.group(1)), match.group(2).lower()
        value = int(number * 1024 ** "_kmgtp".index(unit or "_"))
    if value <= 0:
        raise ParameterError("memory_limit", f"memory_limit={text!r} is out of range: allowed "
                                             "a size above 0")
    return value


def _g(x: float) -> str:
    return f"{x:g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def _message(part: str, p: Parameters, need: str, limit: str) -> str:
    if part == "paid exposures":
        return (f"seeding_budget={_g(p.seeding_budget)} with cost_per_seeded_exposure="
                f"{_g(p.cost_per_seeded_exposure)} needs about {need} per day of paid exposures "
                f"(limit {limit}): lower seeding_budget or raise cost_per_seeded_exposure")
    if part == "share exposures":
        return (f"friends_mean={_g(p.friends_mean)} with max_members={p.max_members} and "
                f"reach_probability={_g(p.reach_probability)} needs about {need} per day of "
                f"share exposures (limit {limit}): lower friends_mean or max_members")
    if part == "members":
        return (f"max_members={p.max_members} needs about {need} for the members (limit "
                f"{limit}): lower max_members")
    if part == "market":
        if p.market_graph is not None:
            return (f"market_graph needs about {need} to load (limit {limit}): use a smaller "
                    "graph")
        return (f"market_size={p.market_size} needs about {need} (limit {limit}): lower "
                "market_size")
    if part == "people reached":
        return (f"market_size={p.market_size} with friends_mean={_g(p.friends_mean)} and "
                f"seeding_budget={_g(p.seeding_budget)} needs about {need} for the people "
                f"reached in {HORIZON_DAYS} days (limit {limit}): lower friends_mean or "
                "seeding_budget")
    return f"this parameter set needs about {need} (limit {limit})"


def check_memory(params: Parameters, limit_bytes: int | None = None) -> MemoryEstimate:
    """Estimate ``params``' memory and refuse it if over ``limit_bytes``.

    Raises
    ------
    MemoryBudgetError
        One line naming the parameters responsible (the largest part), the estimate and the
        limit; ``error.key`` is the main responsible parameter.
    """
    estimate = estimate_memory(params)
    limit = default_memory_limit() if limit_bytes is None else int(limit_bytes)
    if estimate.total_bytes <= limit:
        return estimate
    part = max((k for k in estimate.parts if k != "runtime"), key=estimate.parts.__getitem__)
    if estimate.parts[part] < estimate.parts["runtime"]:
        raise MemoryBudgetError("memory_limit", f"a run needs about "
                                f"{format_size(estimate.total_bytes)} (limit "
                                f"{format_size(limit)}): raise the memory limit")
    key = estimate.drivers[part][0] if estimate.drivers[part] else "memory_limit"
    share = estimate.parts[part]
    need = format_size(share if share > limit / 2 else estimate.total_bytes)
    raise MemoryBudgetError(key, _message(part, params, need, format_size(limit)))
