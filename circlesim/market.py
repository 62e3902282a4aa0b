"""The market: everybody who could join, their interests and their outside friendships.

The market is not made of agents but of arrays: ``interest[i]`` on a topic circle [0, 1) and a
friend list per person stored as compressed sparse rows (``indptr``, ``indices``). Friend lists
are drawn with homophily, so the friends of two members overlap and unique reach is less than
shares x friends (DESIGN.md §2, "Market"). A real friendship graph can be loaded instead.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from typing import Any, Hashable, Sequence

import networkx as nx
import numpy as np

from .parameters import ParameterError, Parameters

__all__ = ["Market", "circular_distance", "interest_match", "build_market"]


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


def interest_match(interest: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Gaussian match between interests and a niche, 1 at the centre.

    ``match = exp(-d^2 / (2 width^2))`` with ``d`` the circular distance: *precision* in the
    source text ("directed demand"): the further a person's interest from the niche, the less
    likely an exposure converts them.
    """
    d = circular_distance(interest, centre)
    return np.exp(-0.5 * (d / width) ** 2)


@dataclass
class Market:
    """Arrays describing the outside population.

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

    @property
    def size(self) -> int:
        return int(self.interest.shape[0])

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

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
            return np.empty(0, dtype=self.indices.dtype), np.empty(0, dtype=np.int64)
        owner = np.repeat(np.arange(len(people)), lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return self.indices[starts[owner] + offsets], owner

    def index_of(self, labels: Sequence[Hashable]) -> np.ndarray:
        """Positions of the given node labels (identity for a generated market)."""
        if self.labels is None:
            idx = np.asarray(labels, dtype=np.int64)
            if idx.size and (idx.min() < 0 or idx.max() >= self.size):
                raise ParameterError(
                    "initial_people",
                    f"initial_people: ids must be from 0 to {self.size - 1}",
                )
            return idx
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
    """Interests clustered around ``topics`` evenly spaced centres, one of them the niche."""
    centres = (params.niche_center + np.arange(params.topics) / params.topics) % 1.0
    topic = rng.integers(0, params.topics, size=n)
    return (centres[topic] + rng.normal(0.0, params.topic_spread, size=n)) % 1.0


def generate_market(params: Parameters, rng: np.random.Generator) -> Market:
    """Generate a market of ``market_size`` people with homophilous friend lists.

    Each person starts ``Poisson(friends_mean / 2)`` friendships. With probability
    ``friend_homophily`` the partner is a near neighbour in interest order (rank offset drawn
    from a Laplace distribution of scale ``friends_mean``), otherwise anyone. Each friendship is
    mutual, so degrees average ``friends_mean`` and friends of friends overlap.
    """
    n = params.market_size
    interest = draw_interests(n, params, rng)
    order = np.argsort(interest, kind="stable")
    rank_of = np.empty(n, dtype=np.int64)
    rank_of[order] = np.arange(n)

    stubs = rng.poisson(params.friends_mean / 2.0, size=n)
    src = np.repeat(np.arange(n, dtype=np.int64), stubs)
    m = src.size
    local = rng.random(m) < params.friend_homophily
    offset = np.rint(rng.laplace(0.0, 5.0 * max(params.friends_mean, 1.0), size=m)).astype(np.int64)
    offset[offset == 0] = 1
    local_partner = order[(rank_of[src] + offset) % n]
    random_partner = rng.integers(0, n, size=m)
    dst = np.where(local, local_partner, random_partner)
    indptr, indices = _csr_from_edges(n, src, dst)
    return Market(interest=interest, indptr=indptr, indices=indices)


def _read_graph(path: str) -> nx.Graph:
    if path.lower().endswith(".graphml"):
        try:
            return nx.read_graphml(path)
        except Exception as exc:  # malformed XML and friends: one line for the user
            raise ParameterError("market_graph", f"market_graph: cannot read {path}: {exc}") from None
    graph = nx.Graph()
    with open(path, newline="", encoding="utf-8") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = "," if "," in sample else None
        rows = csv.reader(handle, delimiter=delimiter) if delimiter else (
            line.split() for line in handle
        )
        for line_no, row in enumerate(rows, start=1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) < 2:
                raise ParameterError(
                    "market_graph",
                    f"market_graph: {path} line {line_no}: expected 'source,target'",
                )
            a, b = row[0].strip(), row[1].strip()
            if line_no == 1 and not (a.lstrip("-").isdigit() and b.lstrip("-").isdigit()):
                continue  # a header row
            graph.add_edge(_node_label(a), _node_label(b))
    if graph.number_of_nodes() == 0:
        raise ParameterError("market_graph", f"market_graph: {path} has no edges")
    return graph


def _node_label(text: str) -> Any:
    return int(text) if text.lstrip("-").isdigit() else text


def market_from_graph(graph: Any, params: Parameters, rng: np.random.Generator) -> Market:
    """Use a networkx graph (or a path to one) as the market's friendships.

    Node attribute ``interest`` (in [0, 1)) is used when every node has it; otherwise interests
    are drawn as for a generated market, independently of the graph.
    """
    if isinstance(graph, (str, os.PathLike)):
        from .graphfile import read_graph  # graph FILES are read and checked there

        graph = read_graph(os.fspath(graph))
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


def build_market(params: Parameters, rng: np.random.Generator) -> Market:
    """The market for a run: the loaded graph if one is given, else a generated one."""
    if params.market_graph is not None:
        return market_from_graph(params.market_graph, params, rng)
    return generate_market(params, rng)
