"""Reading and checking a market-graph FILE (the ``market_graph`` parameter given as a path).

Two formats: an edge list (``.csv`` with ``source,target`` rows, or whitespace-separated; an
optional header row; ``#`` comments) and GraphML (``.graphml``). Every problem is a
:class:`GraphFileError` (a :class:`circlesim.parameters.ParameterError` for key
``market_graph``) whose message is one line naming the file and what is allowed:

- the file is missing, a folder, unreadable, larger than :data:`MAX_BYTES`;
- not UTF-8 text (a binary file, or an edge list saved as latin-1);
- malformed rows or XML;
- no edges at all, or fewer than 2 nodes;
- a node ``interest`` attribute that is not a finite number (NaN, inf, text).
"""

from __future__ import annotations

import csv
import io
import math
import os
from numbers import Real
from typing import Any

import networkx as nx

from .parameters import ParameterError

__all__ = ["GraphFileError", "MAX_BYTES", "check_interests", "read_graph"]

#: largest graph file read (a 10-million-node market's edge list is far smaller)
MAX_BYTES = 2 * 1024**3
KEY = "market_graph"


class GraphFileError(ParameterError):
    """A market-graph file cannot be used; ``str(error)`` is one line naming the file."""

    def __init__(self, message: str):
        super().__init__(KEY, " ".join(str(message).split()))


def read_graph(path: str | os.PathLike) -> nx.Graph:
    """The graph in ``path`` (edge-list CSV or GraphML), checked; raises GraphFileError."""
    path = os.fspath(path)
    shown = path if len(path) < 200 else path[:197] + "..."
    where = f"market_graph: {shown}"
    try:
        if not os.path.exists(path):
            raise GraphFileError(f"{where}: no such file")
        if os.path.isdir(path):
            raise GraphFileError(f"{where}: is a folder; give an edge-list .csv or a .graphml "
                                 "file")
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise GraphFileError(f"{where}: {size:,} bytes; at most {MAX_BYTES:,} allowed")
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise GraphFileError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw[:65536]:
        raise GraphFileError(f"{where}: a binary file, not text; expected an edge-list .csv "
                             "(source,target per line) or a .graphml file")
    if path.lower().endswith(".graphml"):
        graph = _read_graphml(raw, where)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise GraphFileError(
                f"{where}: not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r});"
                " save the edge list as UTF-8") from None
        graph = _read_edge_list(text, where)
    if graph.number_of_edges() == 0:
        raise GraphFileError(f"{where}: has no edges; a market graph needs friendships "
                             "(source,target rows)")
    if graph.number_of_nodes() < 2:
        raise GraphFileError(f"{where}: the graph needs at least 2 nodes")
    check_interests(graph, where)
    return graph


def _read_graphml(raw: bytes, where: str) -> nx.Graph:
    try:
        graph = nx.read_graphml(io.BytesIO(raw))
    except RecursionError:
        raise GraphFileError(f"{where}: the XML is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - malformed XML, bad keys, bad types: one line
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise GraphFileError(f"{where}: cannot read the GraphML: {text}") from None
    if graph.is_directed():
        graph = graph.to_undirected()
    if graph.is_multigraph():
        graph = nx.Graph(graph)
    return graph


def _read_edge_list(text: str, where: str) -> nx.Graph:
    graph = nx.Graph()
    sample = text[:4096]
    delimiter = "," if "," in sample else None
    lines = io.StringIO(text, newline="")
    rows = csv.reader(lines, delimiter=delimiter) if delimiter else (
        line.split() for line in lines)
    try:
        for line_no, row in enumerate(rows, start=1):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) < 2:
                raise GraphFileError(f"{where} line {line_no}: expected 'source,target'")
            a, b = row[0].strip(), row[1].strip()
            if not a or not b:
                raise GraphFileError(f"{where} line {line_no}: empty node id; expected "
                                     "'source,target'")
            if line_no == 1 and not (_is_int(a) and _is_int(b)):
                continue  # a header row
            graph.add_edge(_node_label(a), _node_label(b))
    except csv.Error as exc:
        raise GraphFileError(f"{where}: not a valid CSV edge list ({exc})") from None
    return graph


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit() and text.lstrip("-").isascii()


def _node_label(text: str) -> Any:
    return int(text) if _is_int(text) and len(text) < 19 else text


def check_interests(graph: Any, where: str = "market_graph") -> None:
    """Every node ``interest`` attribute given must be a finite number (any real: it is taken
    modulo 1 on the topic circle). Raises GraphFileError naming the first bad node."""
    for label, data in graph.nodes(data=True):
        if "interest" not in data:
            continue
        value = data["interest"]
        ok = isinstance(value, Real) and not isinstance(value, bool)
        if ok:
            try:
                ok = math.isfinite(float(value))
            except (TypeError, ValueError, OverflowError):
                ok = False
        if not ok:
            shown = repr(value) if len(repr(value)) < 40 else repr(value)[:37] + "..."
            node = repr(label) if len(repr(label)) < 40 else repr(label)[:37] + "..."
            raise GraphFileError(f"{where}: node {node} has interest={shown}; allowed a finite "
                                 "number (its position on the topic circle, taken modulo 1)")
