"""Network layout for the browser view: computed once, then extended for joiners.

The first call lays out every node with a small force-directed (Fruchterman-Reingold) pass in
numpy, the organiser pinned at the centre. Later calls keep every known node where it is, place
each joiner next to the members it is tied to, and relax only the joiners for a few iterations,
so the picture does not jump from frame to frame. Leavers are simply dropped.

The layout uses its own random generator: it never draws from the model's.
"""

from __future__ import annotations

import numpy as np

__all__ = ["IncrementalLayout"]


GRAVITY = 2.0


def _relax(pos, movable, edges, iterations, k, temperature, repels=None, gravity=GRAVITY):
    """Fruchterman-Reingold iterations moving only ``movable`` rows of ``pos`` (in place).

    Only ``repels`` rows push others away (the organiser does not, so the members gather
    around it); a pull toward the origin keeps the group centred on the organiser.
    """
    n = len(pos)
    if n < 2 or not movable.any() or iterations <= 0:
        return pos
    idx = np.flatnonzero(movable)
    sources = np.flatnonzero(repels) if repels is not None else np.arange(n)
    if len(edges):
        touch = movable[edges[:, 0]] | movable[edges[:, 1]]  # fixed pairs pull nobody
        src, dst = edges[touch, 0], edges[touch, 1]
    else:
        src, dst = np.empty(0, int), np.empty(0, int)
    for it in range(iterations):
        sub = pos[idx]
        delta = sub[:, None, :] - pos[None, sources, :]  # (m, s, 2)
        dist2 = np.einsum("ijk,ijk->ij", delta, delta) + 1e-9
        force = np.einsum("ij,ijk->ik", (k * k) / dist2, delta)  # repulsion k^2/d along unit
        # attraction along edges: d^2/k toward the neighbour
        disp = np.zeros_like(pos)
        if len(src):
            d = pos[src] - pos[dst]
            length = np.sqrt((d * d).sum(1)) + 1e-9
            pull = d * (length / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        force += disp[idx]
        force -= gravity * sub * (np.sqrt((sub * sub).sum(1)) / k)[:, None]
        length = np.sqrt((force * force).sum(1)) + 1e-9
        t = temperature * (1 - it / iterations) + 1e-3
        pos[idx] = sub + force / length[:, None] * np.minimum(length, t)[:, None]
    return pos


class IncrementalLayout:
    """Positions of the nodes in the unit disc, kept stable across frames.

    ``update(node_id, is_organiser, edges)`` returns an ``(n, 2)`` array of positions in the
    order of ``node_id``; unknown nodes are placed and remembered, vanished ones forgotten.
    Stored positions never change; :meth:`view` scales them to fit the unit disc (a zoom, the
    same for every node, as the group grows).
    """

    def __init__(self, seed: int = 0, iterations: int = 80, joiner_iterations: int = 12):
        self.rng = np.random.default_rng(seed)
        self.iterations = iterations
        self.joiner_iterations = joiner_iterations
        # the known nodes: ids sorted, and their positions in the same order (arrays, not a
        # dict: the look-up runs on every frame while the app plays)
        self._ids = np.zeros(0, np.int64)
        self._pos = np.zeros((0, 2))
        self.full_layouts = 0  # how often everything was laid out (once, by design)

    @property
    def positions(self) -> dict[int, np.ndarray]:
        """Stored (unzoomed) position of every known node, by id."""
        return {int(i): p.copy() for i, p in zip(self._ids, self._pos, strict=True)}

    def update(self, node_id, is_organiser, edges) -> np.ndarray:
        node_id = np.asarray(node_id, dtype=np.int64)
        is_organiser = np.asarray(is_organiser, dtype=bool)
        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        n = len(node_id)
        if n == 0:
            self._ids, self._pos = np.zeros(0, np.int64), np.zeros((0, 2))
            return np.zeros((0, 2))
        # edges as row indices (drop edges to nodes that are not drawn), vectorised
        order = np.argsort(node_id, kind="stable")
        sorted_ids = node_id[order]

        def rows_of(values):
            at = np.clip(np.searchsorted(sorted_ids, values), 0, n - 1)
            return np.where(sorted_ids[at] == values, order[at], -1)

        if len(edges):
            a, b = rows_of(edges[:, 0]), rows_of(edges[:, 1])
            keep = (a >= 0) & (b >= 0) & (a != b)
            rows = np.stack([a[keep], b[keep]], axis=1)
        else:
            rows = np.zeros((0, 2), np.int64)
        pos = np.zeros((n, 2))
        if len(self._ids):
            at = np.clip(np.searchsorted(self._ids, node_id), 0, len(self._ids) - 1)
            known = self._ids[at] == node_id
            pos[known] = self._pos[at[known]]
        else:
            known = np.zeros(n, bool)
        k = 1.6 / np.sqrt(max(n, 1))
        if not known.any():
            self.full_layouts += 1
            angle = self.rng.uniform(0, 2 * np.pi, n)
            radius = np.sqrt(self.rng.uniform(0.05, 1.0, n))
            pos = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
            pos[is_organiser] = 0.0
            _relax(pos, ~is_organiser, rows, self.iterations, k, temperature=0.3,
                   repels=~is_organiser)
            # whiten once (principal axes to equal spread) so the group fills a round picture
            members = ~is_organiser
            if members.sum() >= 3:
                centred = pos[members]
                cov = np.cov(centred.T) + 1e-9 * np.eye(2)
                vals, vecs = np.linalg.eigh(cov)
                pos = (pos @ vecs) / np.sqrt(vals)
            scale = np.sqrt((pos * pos).sum(1)).max()
            if scale > 0:
                pos /= scale
        elif not known.all():
            new = np.flatnonzero(~known)
            is_new = np.zeros(n, bool)
            is_new[new] = True
            touching = rows[is_new[rows[:, 0]] | is_new[rows[:, 1]]]
            neighbours: dict[int, list[int]] = {}
            for a, b in touching.tolist():
                neighbours.setdefault(a, []).append(b)
                neighbours.setdefault(b, []).append(a)
            for i in new:
                if is_organiser[i]:
                    continue
                placed = [j for j in neighbours.get(int(i), []) if known[j] and not is_organiser[j]]
                if placed:
                    centre = pos[placed].mean(axis=0)
                    jitter = 0.06
                else:
                    angle = self.rng.uniform(0, 2 * np.pi)
                    centre = 0.9 * np.array([np.cos(angle), np.sin(angle)])
                    jitter = 0.05
                pos[i] = centre + self.rng.normal(0, jitter, 2)
            movable = ~known & ~is_organiser
            _relax(pos, movable, rows, self.joiner_iterations, k, temperature=0.05,
                   repels=~is_organiser)
        pos[is_organiser] = 0.0
        self._ids, self._pos = sorted_ids, pos[order].copy()
        return self.view(pos)

    @staticmethod
    def view(pos: np.ndarray) -> np.ndarray:
        """Positions zoomed (about the organiser at the origin) to fit the unit disc.

        The zoom follows the bulk of the group (95% of members); the few beyond are drawn on
        the rim, so one far-flung member does not shrink everybody else.
        """
        if len(pos) == 0:
            return pos
        radius = np.sqrt((pos * pos).sum(1))
        reach = float(np.quantile(radius, 0.95)) if len(pos) >= 20 else float(radius.max())
        if reach <= 1e-12:
            return pos
        out = pos / reach
        r = radius / reach
        far = r > 1.0
        out[far] /= r[far][:, None]
        return out
