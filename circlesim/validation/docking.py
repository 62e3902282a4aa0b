"""Docking (Axtell et al. 1996): circlesim against plainly written reference implementations.

* **Independent cascade.** With :func:`circlesim.independent_cascade_overrides` the model's
  spread reduces to an independent cascade (Kempe, Kleinberg & Tardos 2003). Its final sizes are
  compared with :func:`reference_independent_cascade`, a textbook loop, by a two-sample
  Kolmogorov-Smirnov test, on several graph families and seed counts.
* **Mass media.** With interest gating off and a constant daily spend, the mass-media arm
  (:func:`circlesim.rules.media_adoption`) is a discrete Bass process. Its mean adoption curve is
  compared with the closed-form Bass curve and with a plain per-person simulation.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import networkx as nx
import numpy as np

from ..model import CommunityModel
from ..parameters import independent_cascade_overrides
from .bass import bass_cdf

__all__ = [
    "GRAPH_FAMILIES", "reference_independent_cascade", "model_cascade_size", "dock_cascade",
    "MEDIA_DOCKING", "media_docking_parameters", "model_media_curve",
    "reference_media_curve", "discrete_bass", "dock_media", "write_edge_list",
]


# ---------------------------------------------------------------- independent cascade
def reference_independent_cascade(graph: nx.Graph, seeds, p: float, rng: random.Random) -> int:
    """Kempe, Kleinberg & Tardos (2003): each newly active node gets one chance to activate
    each inactive neighbour, independently with probability ``p``. Returns the final size."""
    active = set(seeds)
    frontier = list(seeds)
    while frontier:
        newly = []
        for node in frontier:
            for neighbour in graph[node]:
                if neighbour not in active and rng.random() < p:
                    active.add(neighbour)
                    newly.append(neighbour)
        frontier = newly
    return len(active)


def model_cascade_size(market_graph: Any, seeds, p: float, seed: int) -> int:
    """Final members of circlesim in its independent-cascade configuration."""
    model = CommunityModel(rng=seed, initial_people=list(seeds), initial_members=len(seeds),
                           market_graph=market_graph, **independent_cascade_overrides(p))
    # members who joined on day t share on day t + 1: a day without joiners ends the cascade
    while True:
        model.step()
        if model.latest()["joined"] == 0:
            return model.member_count


def write_edge_list(graph: nx.Graph, path: str | Path) -> str:
    """Write ``graph`` as a ``source,target`` CSV (the format ``market_graph`` loads)."""
    path = Path(path)
    path.write_text("source,target\n" + "".join(f"{u},{v}\n" for u, v in graph.edges()))
    return str(path)


def _karate() -> nx.Graph:
    return nx.convert_node_labels_to_integers(nx.karate_club_graph())


#: name -> (builder, description, edge probability used for docking)
GRAPH_FAMILIES: dict[str, tuple[Callable[[], nx.Graph], str, float]] = {
    "small world": (lambda: nx.watts_strogatz_graph(400, 6, 0.1, seed=11),
                    "Watts-Strogatz, 400 nodes, k = 6, rewiring 0.1", 0.3),
    "scale free": (lambda: nx.barabasi_albert_graph(400, 2, seed=12),
                   "Barabasi-Albert, 400 nodes, m = 2", 0.25),
    "loaded edge list": (_karate,
                         "Zachary's karate club (34 nodes, 78 edges), loaded from a CSV file",
                         0.25),
}


@dataclass(frozen=True)
class CascadeDocking:
    family: str
    description: str
    seeds: int
    p: float
    runs: int
    mean_reference: float
    mean_model: float
    ks_statistic: float
    ks_pvalue: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def dock_cascade(family: str, n_seeds: int, runs: int = 200, p: float | None = None,
                 reference_p: float | None = None, workdir: str | Path | None = None,
                 seed: int = 0) -> CascadeDocking:
    """Dock one graph family and seed count: ``runs`` model runs vs ``runs`` reference runs.

    ``reference_p`` (default ``p``) lets a test check that the comparison has power.
    A ``loaded edge list`` family is written to a CSV file in ``workdir`` and the model reads
    that file, so the loading path is docked too.
    """
    from scipy import stats

    build, description, default_p = GRAPH_FAMILIES[family]
    p = default_p if p is None else p
    reference_p = p if reference_p is None else reference_p
    graph = build()
    pick = random.Random(1000 + n_seeds)
    seeds = sorted(pick.sample(sorted(graph.nodes), n_seeds))
    market: Any = graph
    if family == "loaded edge list":
        import tempfile

        folder = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp())
        market = write_edge_list(graph, folder / "karate.csv")
    rng = random.Random(seed + 7919)
    reference = [reference_independent_cascade(graph, seeds, reference_p, rng)
                 for _ in range(runs)]
    simulated = [model_cascade_size(market, seeds, p, seed + i) for i in range(runs)]
    test = stats.ks_2samp(reference, simulated)
    return CascadeDocking(family, description, n_seeds, p, runs, float(np.mean(reference)),
                          float(np.mean(simulated)), float(test.statistic), float(test.pvalue))


# ---------------------------------------------------------------- mass media (Bass)
#: The docking configuration of the mass-media arm: a constant spend of 10 a day buys 1,000
#: impressions (one per person per day in a market of 1,000), so innovation p = 0.002 a day;
#: imitation q = 1.5 per 30 days = 0.05 a day. The community is frozen (no sharing, no
#: complaints, no organiser posts), every person matches (interest gating off).
MEDIA_DOCKING = {
    "market_size": 1000, "interest_gating": False, "initial_members": 1,
    "organiser_posts": 0.0, "cost_per_answer": 0.0, "answer_capacity": 0,
    "cost_per_invite": 0.0, "daily_fixed_cost": 10.0, "media_cpm": 10.0,
    "media_conversion": 0.002, "media_imitation": 1.5, "share_probability": 0.0,
    "problem_probability": 0.0, "seeding_budget": 0.0, "pruning": False,
}


def media_docking_parameters(**changes: Any) -> dict[str, Any]:
    return {**MEDIA_DOCKING, **changes}


def _media_rates(params: dict[str, Any]) -> tuple[float, float, int]:
    impressions = params["daily_fixed_cost"] / params["media_cpm"] * 1000.0
    p = impressions / params["market_size"] * params["media_conversion"]
    q = params["media_imitation"] / 30.0
    return p, q, int(params["market_size"])


def model_media_curve(days: int, seed: int, params: dict[str, Any] | None = None) -> np.ndarray:
    """Cumulative mass-media adopters of circlesim, days 0..``days``."""
    model = CommunityModel(rng=seed, **(params or MEDIA_DOCKING))
    model.run(days)
    return model.to_frame()["media_members"].to_numpy(dtype=float)


def reference_media_curve(days: int, rng: random.Random,
                          params: dict[str, Any] | None = None) -> np.ndarray:
    """A plain per-person discrete Bass simulation: each day every non-adopter adopts with
    probability ``1 - exp(-(p + q A / N))``, ``A`` the adopters at the start of the day."""
    p, q, n = _media_rates(params or MEDIA_DOCKING)
    adopted = [False] * n
    count = 0
    curve = [0.0]
    for _ in range(days):
        chance = 1.0 - math.exp(-(p + q * count / n))
        new = 0
        for person in range(n):
            if not adopted[person] and rng.random() < chance:
                adopted[person] = True
                new += 1
        count += new
        curve.append(float(count))
    return np.array(curve)


def discrete_bass(days: int, p: float, q: float) -> np.ndarray:
    """Mean-field recursion ``F' = F + (1 - F)(1 - exp(-(p + q F)))``, days 0..``days``."""
    f = np.zeros(days + 1)
    for t in range(days):
        f[t + 1] = f[t] + (1 - f[t]) * (1 - math.exp(-(p + q * f[t])))
    return f


@dataclass(frozen=True)
class MediaDocking:
    runs: int
    days: int
    p: float
    q: float
    market: int
    max_gap_closed_form: float      # max |mean F(t) - Bass F(t)|, share of the market
    max_gap_recursion: float        # max |mean F(t) - discrete recursion|
    max_z_recursion: float          # largest gap / standard error of the mean
    ks_pvalues: dict[int, float]    # model vs plain reference, adopters on given days
    fitted_p: float
    fitted_q: float
    mean_curve: list[float]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def dock_media(runs: int = 200, days: int = 120, reference_runs: int = 200,
               check_days: tuple[int, ...] = (20, 40, 60, 90), seed: int = 0) -> MediaDocking:
    """Dock the mass-media arm against the closed-form Bass curve and a plain simulation."""
    from scipy import stats

    from .bass import fit_bass

    p, q, n = _media_rates(MEDIA_DOCKING)
    curves = np.array([model_media_curve(days, seed + i) for i in range(runs)]) / n
    rng = random.Random(seed + 104729)
    reference = np.array([reference_media_curve(days, rng) for _ in range(reference_runs)]) / n
    mean = curves.mean(axis=0)
    se = curves.std(axis=0, ddof=1) / math.sqrt(runs)
    t = np.arange(days + 1)
    closed = bass_cdf(t, p, q)
    recursion = discrete_bass(days, p, q)
    gap = np.abs(mean - recursion)
    z = np.where(se > 0, gap / np.maximum(se, 1e-12), 0.0)
    ks = {d: float(stats.ks_2samp(curves[:, d], reference[:, d]).pvalue) for d in check_days}
    fit = fit_bass(t, mean)
    return MediaDocking(runs, days, p, q, n, float(np.abs(mean - closed).max()),
                        float(gap.max()), float(z.max()), ks, fit.p, fit.q, mean.tolist())
