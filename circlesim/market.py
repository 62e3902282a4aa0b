"""The market: everybody who could join, their interests and their outside friendships.

The market is not made of agents. Two kinds exist (docs/odd.md §2, "Market"):

* :class:`LazyMarket` (generated, the default): nobody exists until touched. People are laid
  out in interest order by id inside each topic cluster, so a person's interest is a function
  of its id (a stratified quantile of the topic's Gaussian, jittered within its stratum by the
  person's own random stream); a friend list is drawn on demand from a per-person stream keyed
  by (market seed, person id). The same seed gives the same market in any touch order, and the
  memory of a run does not grow with ``market_size`` (up to 10^9 people).
* :class:`Market` (a loaded ``market_graph``): interests in an array and friend lists as
  compressed sparse rows (``indptr``, ``indices``), built eagerly as before.

Both answer the same questions: ``interest_of(ids)``, ``gather_friends(people)``,
``degree_of(ids)``, the niche audience (:class:`Audience`) and the distribution of interest
match the mass-media arm needs (:meth:`match_histogram`).
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from typing import Any, Hashable, Sequence

import networkx as nx
import numpy as np
from numba import njit

from .kernels import (gaussian_match, laplace, ndtri, person_key, poisson, stream_uniform,
                      stream_uniform_open)
from .graphfile import check_interests, read_graph  # graph files are read and checked there
from .parameters import ParameterError, Parameters

__all__ = ["Market", "LazyMarket", "Audience", "circular_distance", "interest_match",
           "build_market", "MATCH_LEVELS"]

#: Levels of interest match the mass-media arm tracks (match rounded to 1/63).
MATCH_LEVELS = 64
#: Above this many people per topic a lazy market's match distribution is estimated from this
#: many stratified quantiles of the topic (exact below): at 64 levels the error is negligible.
_HISTOGRAM_SAMPLE = 1024


def circular_distance(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Distance between interests on the topic circle of circumference 1.

    Parameters
    ----------
    a, b : array_like
        Interests in [0, 1).

    Returns
    -------
    ndarray
        ``min(|a - b|, 1 - |a - b|)``, in [0, 0.5].
    """
    d = np.abs(np.asarray(a, dtype=float) - b) % 1.0
    return np.minimum(d, 1.0 - d)


@njit(cache=True)
def _match_many(a, b, width):
    out = np.empty(a.shape[0], dtype=np.float64)
    for i in range(a.shape[0]):
        out[i] = gaussian_match(a[i], b[i], width)
    return out


def interest_match(interest: np.ndarray | float, centre: np.ndarray | float,
                   width: float) -> np.ndarray:
    """Gaussian match between interests and a niche (or a post's topic), 1 at the centre.

    ``match = exp(-d^2 / (2 width^2))`` with ``d`` the circular distance
    (:func:`circlesim.kernels.gaussian_match`, the one implementation): *precision* in the
    source text ("directed demand"): the further a person's interest from the niche, the less
    likely an exposure converts them. ``rules.relevance`` is the same function.
    """
    a, b = np.broadcast_arrays(np.asarray(interest, dtype=float), np.asarray(centre, dtype=float))
    out = _match_many(np.ascontiguousarray(a).ravel(), np.ascontiguousarray(b).ravel(),
                      float(width))
    return out.reshape(a.shape)


# ---------------------------------------------------------------- the niche audience
@dataclass
class Audience:
    """The niche audience (people with match >= 0.5): id ranges ``[lo, hi)`` of a lazy market,
    or an explicit id array of a loaded one. Paid exposures and invitations draw from it."""

    lo: np.ndarray
    hi: np.ndarray
    ids: np.ndarray | None = None

    @property
    def size(self) -> int:
        if self.ids is not None:
            return int(self.ids.size)
        return int((self.hi - self.lo).sum())

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` people drawn uniformly, with replacement."""
        pick = rng.integers(0, self.size, size=count)
        if self.ids is not None:
            return self.ids[pick]
        sizes = self.hi - self.lo
        ends = np.cumsum(sizes)
        which = np.searchsorted(ends, pick, side="right")
        return self.lo[which] + pick - (ends[which] - sizes[which])

    def enumerate(self) -> np.ndarray:
        """Every person of the audience (only called when it is small)."""
        if self.ids is not None:
            return self.ids
        return np.concatenate([np.arange(a, b, dtype=np.int64)
                               for a, b in zip(self.lo.tolist(), self.hi.tolist())]
                              + [np.empty(0, dtype=np.int64)])


# ---------------------------------------------------------------- the lazy, generated market
@njit(cache=True)
def _topic_of(i, n, topics):
    return ((i + 1) * topics - 1) // n


@njit(cache=True)
def lazy_interest(seed, n, topics, spread, centre, i):
    """Interest of person ``i`` of a lazy market: topic ``k`` holds ids
    ``[floor(k n / T), floor((k + 1) n / T))``; the ``j``-th of its ``s`` people has quantile
    ``u = (j + v) / s`` (``v`` uniform from the person's stream) of Normal(c_k, spread), taken
    around the circle: ``x = c_k + spread * Phi^-1(u) mod 1``, ``c_k = centre + k / T``."""
    k = _topic_of(i, n, topics)
    start = (k * n) // topics
    size = ((k + 1) * n) // topics - start
    u = (i - start + stream_uniform_open(person_key(seed, i, np.int64(0)), 1)) / size
    x = centre + k / topics
    if spread > 0:
        x += spread * ndtri(u)
    return x % 1.0


@njit(cache=True)
def _lazy_interest_many(seed, n, topics, spread, centre, ids):
    out = np.empty(ids.shape[0], dtype=np.float64)
    for q in range(ids.shape[0]):
        out[q] = lazy_interest(seed, n, topics, spread, centre, ids[q])
    return out


@njit(cache=True)
def lazy_friend_count(seed, friends_mean, i):
    """Length of person ``i``'s friend list: Poisson(``friends_mean``) from its stream."""
    rs = np.empty(1, dtype=np.uint64)
    rs[0] = person_key(seed, i, np.int64(1))
    return poisson(rs, friends_mean)


@njit(cache=True)
def lazy_friend(seed, n, homophily, scale, i, slot):
    """Entry ``slot`` of person ``i``'s friend list (random access: the entry has its own
    counter-based stream). With probability ``homophily`` the person at a Laplace(0, ``scale``)
    id offset (nearby interest, the offset never 0), else anybody; -1 if the draw is ``i``
    itself (dropped)."""
    key = person_key(seed, i, slot + 2)
    u1 = stream_uniform(key, 1)
    u2 = stream_uniform_open(key, 2)
    if u1 < homophily:
        off = np.int64(math.floor(laplace(u2, scale) + 0.5))
        if off == 0:
            off = 1
        j = (i + off) % n
    else:
        j = min(np.int64(u2 * n), n - 1)
    return -1 if j == i else j


@njit(cache=True)
def lazy_friends(seed, n, friends_mean, homophily, scale, i, out):
    """Write person ``i``'s friend list into ``out``; return its length. Entries are drawn
    with replacement, so a few repeat (a doubled tie: that friend sees a share twice)."""
    k = lazy_friend_count(seed, friends_mean, i)
    m = 0
    for slot in range(k):
        j = lazy_friend(seed, n, homophily, scale, i, slot)
        if j >= 0:
            out[m] = j
            m += 1
    return m


@njit(cache=True)
def _lazy_gather(seed, n, friends_mean, homophily, scale, people):
    total = 0
    for q in range(people.shape[0]):
        total += lazy_friend_count(seed, friends_mean, people[q])
    friends = np.empty(total, dtype=np.int64)
    owner = np.empty(total, dtype=np.int64)
    m = 0
    for q in range(people.shape[0]):
        got = lazy_friends(seed, n, friends_mean, homophily, scale, people[q], friends[m:])
        owner[m:m + got] = q
        m += got
    return friends[:m], owner[:m]


@njit(cache=True)
def _lazy_histogram(seed, n, topics, spread, centre, niche_centre, width, sample, levels):
    """Histogram of match levels over the market (exact, or from ``sample`` stratified points
    per topic, each standing for its share of the topic) and the sum of matches."""
    hist = np.zeros(levels, dtype=np.float64)
    total = 0.0
    for k in range(topics):
        start = (k * n) // topics
        size = ((k + 1) * n) // topics - start
        if size <= 0:
            continue
        if size <= sample:
            for j in range(size):
                x = lazy_interest(seed, n, topics, spread, centre, start + j)
                m = gaussian_match(x, niche_centre, width)
                hist[int(round(m * (levels - 1)))] += 1.0
                total += m
        else:
            weight = size / sample
            for j in range(sample):
                x = centre + k / topics
                if spread > 0:
                    x += spread * ndtri((j + 0.5) / sample)
                m = gaussian_match(x % 1.0, niche_centre, width)
                hist[int(round(m * (levels - 1)))] += weight
                total += m * weight
    return hist, total


@functools.lru_cache(maxsize=64)
def _lazy_match_histogram(seed: int, n: int, topics: int, spread: float, centre: float,
                          niche_centre: float, width: float) -> tuple[np.ndarray, float]:
    """:meth:`LazyMarket.match_histogram` with gating (``seed`` -1: sampled, the seed unused);
    memoised (the caller copies the counts)."""
    hist, total = _lazy_histogram(max(seed, 0), n, topics, spread, centre, niche_centre, width,
                                  _HISTOGRAM_SAMPLE, MATCH_LEVELS)
    return _round_counts(hist, n), float(total)


@functools.lru_cache(maxsize=64)
def _lazy_audience(n: int, topics: int, spread: float, topic_centre: float, centre: float,
                   width: float) -> tuple[np.ndarray, np.ndarray]:
    """The id ranges of :meth:`LazyMarket.audience` (memoised: a pure function of the market's
    layout and the niche; the caller copies them). Each topic ``k`` holds ids
    ``[floor(k n / T), floor((k + 1) n / T))`` in the order of their interest quantiles, so the
    people within ``radius`` of the niche centre are the ids between the Normal quantiles of
    the interval's two ends (around the circle: one range per turn ``m``)."""
    from scipy.special import ndtr

    radius = width * math.sqrt(2.0 * math.log(2.0))
    lo, hi = [], []
    for k in range(topics):
        start, stop = (k * n) // topics, ((k + 1) * n) // topics
        size = stop - start
        ck = topic_centre + k / topics
        if spread == 0:
            if float(circular_distance(ck, centre)) <= radius:
                lo.append(start)
                hi.append(stop)
            continue
        span = 40.0 * spread  # the quantiles reach about 6 sd at 10^9 people
        turns = np.arange(math.floor(ck - span - centre - radius) - 1,
                          math.ceil(ck + span - centre + radius) + 2)
        a = ndtr((centre + turns - radius - ck) / spread)  # one vectorised call per topic
        b = ndtr((centre + turns + radius - ck) / spread)
        for ja, jb in zip(np.rint(a * size).astype(np.int64).tolist(),
                          np.rint(b * size).astype(np.int64).tolist()):
            if jb > ja:
                lo.append(start + ja)
                hi.append(start + jb)
    if not lo:  # nobody inside: the whole market
        lo, hi = [0], [n]
    return np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)


def _round_counts(hist: np.ndarray, total: int) -> np.ndarray:
    """Whole counts summing to ``total`` from a fractional histogram (largest remainder)."""
    base = np.floor(hist).astype(np.int64)
    short = int(total - base.sum())
    if short > 0:
        base[np.argsort(-(hist - base), kind="stable")[:short]] += 1
    return base


class LazyMarket:
    """A generated market whose people exist only once touched (see the module doc).

    Attributes
    ----------
    size : int
        ``market_size``.
    seed : int
        The market's key: with the parameters it determines every person.
    """

    lazy = True
    labels = None

    def __init__(self, params: Parameters, rng: np.random.Generator):
        self.size = int(params.market_size)
        self.seed = int(rng.integers(0, 2**63))
        self.topics = int(params.topics)
        self.spread = float(params.topic_spread)
        self.centre = float(params.niche_center)
        self.friends_mean = float(params.friends_mean)
        self.homophily = float(params.friend_homophily)
        self.scale = 5.0 * max(self.friends_mean, 1.0)

    def interest_of(self, ids: np.ndarray) -> np.ndarray:
        """Interests of the people ``ids``."""
        return _lazy_interest_many(self.seed, self.size, self.topics, self.spread, self.centre,
                                   np.asarray(ids, dtype=np.int64).ravel())

    def friends_of(self, person: int) -> np.ndarray:
        """The friends of ``person``: the people who see its shares (directed)."""
        friends, _ = self.gather_friends(np.array([person], dtype=np.int64))
        return friends

    def gather_friends(self, people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Friends of many people at once: (friends concatenated, owner position)."""
        return _lazy_gather(self.seed, self.size, self.friends_mean, self.homophily, self.scale,
                            np.asarray(people, dtype=np.int64))

    def degree_of(self, ids: np.ndarray) -> np.ndarray:
        _, owner = self.gather_friends(ids)
        return np.bincount(owner, minlength=np.asarray(ids).size)

    def kernel_args(self) -> tuple:
        return (self.seed, self.size, self.friends_mean, self.homophily, self.scale)

    def audience(self, centre: float, width: float) -> Audience:
        """The niche audience (match >= 0.5) as id ranges, one or a few per topic."""
        lo, hi = _lazy_audience(self.size, self.topics, float(self.spread), float(self.centre),
                                float(centre), float(width))
        return Audience(lo.copy(), hi.copy())

    def match_histogram(self, centre: float, width: float,
                        gating: bool) -> tuple[np.ndarray, float]:
        """People per match level (``MATCH_LEVELS`` levels in [0, 1]) and the sum of matches,
        without materialising the market: exact up to ``_HISTOGRAM_SAMPLE`` people per topic,
        from that many stratified quantiles of each topic above."""
        if not gating:
            counts = np.zeros(MATCH_LEVELS, dtype=np.int64)
            counts[-1] = self.size
            return counts, float(self.size)
        # the sampled histogram of a large market does not depend on the market's seed: it is
        # computed once per (size, topics, spread, centre, niche), not once per run
        exact = self.size < (_HISTOGRAM_SAMPLE + 1) * self.topics
        counts, total = _lazy_match_histogram(self.seed if exact else -1, self.size,
                                              self.topics, float(self.spread),
                                              float(self.centre), float(centre), float(width))
        return counts.copy(), total

    def index_of(self, labels: Sequence[Hashable]) -> np.ndarray:
        """Positions of the given node labels (identity for a generated market)."""
        return _market_ids(labels, self.size)



def _market_ids(labels: Sequence[Hashable], size: int) -> np.ndarray:
    """``labels`` as market ids, checked to lie in 0 .. size - 1 (one line naming the key)."""
    idx = np.asarray(labels, dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise ParameterError("initial_people", f"initial_people: ids must be from 0 to {size - 1}")
    return idx

# ---------------------------------------------------------------- a loaded market graph
@dataclass
class Market:
    """A loaded market graph, built eagerly.

    Attributes
    ----------
    interest : ndarray of float, shape (n,)
        Each person's interest on the topic circle.
    indptr, indices : ndarray of int
        Friend lists in CSR form: the friends of ``i`` are ``indices[indptr[i]:indptr[i+1]]``.
    labels : list or None
        Original node labels of a loaded graph (position ``i`` is node ``labels[i]``).
    """

    interest: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    labels: list[Hashable] | None = None
    lazy = False

    @property
    def size(self) -> int:
        return int(self.interest.shape[0])

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def degree_of(self, ids: np.ndarray) -> np.ndarray:
        return self.degree[np.asarray(ids, dtype=np.int64)]

    def interest_of(self, ids: np.ndarray) -> np.ndarray:
        return self.interest[np.asarray(ids, dtype=np.int64)]

    def friends_of(self, person: int) -> np.ndarray:
        return self.indices[self.indptr[person] : self.indptr[person + 1]]

    def gather_friends(self, people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Friends of many people at once, without a Python loop.

        Returns
        -------
        friends : ndarray
            All friends, concatenated in the order of ``people``.
        owner : ndarray
            For each entry of ``friends``, its position in ``people``.
        """
        starts = self.indptr[people]
        lengths = self.indptr[people + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        owner = np.repeat(np.arange(len(people)), lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return self.indices[starts[owner] + offsets].astype(np.int64), owner

    def audience(self, centre: float, width: float) -> Audience:
        match = interest_match(self.interest, centre, width)
        ids = np.flatnonzero(match >= 0.5)
        if ids.size == 0:
            ids = np.arange(self.size)
        return Audience(np.empty(0, np.int64), np.empty(0, np.int64), ids=ids)

    def match_histogram(self, centre: float, width: float,
                        gating: bool) -> tuple[np.ndarray, float]:
        match = interest_match(self.interest, centre, width) if gating else np.ones(self.size)
        levels = np.round(match * (MATCH_LEVELS - 1)).astype(np.int64)
        return np.bincount(levels, minlength=MATCH_LEVELS), float(match.sum())

    def index_of(self, labels: Sequence[Hashable]) -> np.ndarray:
        """Positions of the given node labels (identity for a generated market)."""
        if self.labels is None:
            return _market_ids(labels, self.size)
        lookup = {label: i for i, label in enumerate(self.labels)}
        try:
            return np.array([lookup[label] for label in labels], dtype=np.int64)
        except KeyError as missing:
            raise ParameterError(
                "initial_people", f"initial_people: node {missing} is not in the market graph"
            ) from None


def _csr_from_edges(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric, duplicate- and loop-free CSR adjacency from an undirected edge list."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    a = np.concatenate([src, dst]).astype(np.int64)
    b = np.concatenate([dst, src]).astype(np.int64)
    code = np.sort(a * n + b)  # sorted by (a, b); sorting beats np.unique's hashing here
    code = code[np.concatenate(([True], code[1:] != code[:-1]))]
    a, b = code // n, code % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    index_dtype = np.int32 if n < 2**31 else np.int64
    return indptr, b.astype(index_dtype)


def draw_interests(n: int, params: Parameters, rng: np.random.Generator) -> np.ndarray:
    """Interests clustered around ``topics`` evenly spaced centres, one of them the niche
    (for a loaded graph whose nodes carry no interest)."""
    centres = (params.niche_center + np.arange(params.topics) / params.topics) % 1.0
    topic = rng.integers(0, params.topics, size=n)
    return (centres[topic] + rng.normal(0.0, params.topic_spread, size=n)) % 1.0


def market_from_graph(graph: Any, params: Parameters, rng: np.random.Generator) -> Market:
    """Use a networkx graph (or a path to one) as the market's friendships.

    Node attribute ``interest`` (in [0, 1)) is used when every node has it; otherwise interests
    are drawn as for a generated market, independently of the graph.
    """
    if isinstance(graph, (str, os.PathLike)):
        graph = read_graph(os.fspath(graph))
    else:
        check_interests(graph)
    labels = list(graph.nodes)
    n = len(labels)
    if n < 2:
        raise ParameterError("market_graph", "market_graph: the graph needs at least 2 nodes")
    position = {label: i for i, label in enumerate(labels)}
    edges = np.array([(position[u], position[v]) for u, v in graph.edges()], dtype=np.int64)
    edges = edges.reshape(-1, 2)
    indptr, indices = _csr_from_edges(n, edges[:, 0], edges[:, 1])
    given = [graph.nodes[label].get("interest") for label in labels]
    if all(value is not None for value in given):
        interest = np.asarray(given, dtype=float) % 1.0
    else:
        interest = draw_interests(n, params, rng)
    return Market(interest=interest, indptr=indptr, indices=indices, labels=labels)


def build_market(params: Parameters, rng: np.random.Generator) -> Market | LazyMarket:
    """The market for a run: the loaded graph if one is given, else a lazy generated one."""
    if params.market_graph is not None:
        return market_from_graph(params.market_graph, params, rng)
    return LazyMarket(params, rng)
