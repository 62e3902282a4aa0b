"""Member state: one row per person who ever joined, in numpy arrays.

Rows are assigned in joining order; ``alive`` marks current members and arrays grow by doubling.
When members who left outnumber current ones, :meth:`MemberState.compact` moves their rows to an
archive (kept for the per-member table) and packs the current members to the front, so a day's
work stays proportional to the current group, however long the run. A member's lasting identity
is its Mesa ``unique_id`` (``uid``); ``recruiter`` holds the recruiter's ``uid``. Mesa ``Member``
agents are thin views over one row each (see ``agents.py``).

Member-member ties are a padded adjacency matrix ``ties[row, slot]`` (``-1`` = empty) with
``tie_count[row]`` used slots. Posters are few on any day, so gathering their neighbours by row is
much cheaper than scanning an edge list. Ties to members who left stay in the matrix and are
masked out by ``alive``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MemberState", "LEAVE_REASONS"]

#: Codes of ``MemberState.reason``.
LEAVE_REASONS = {0: "member", 1: "left", 2: "inactive", 3: "pruned"}

_FLOAT_FIELDS = ("engagement", "activity", "interest", "value_window", "complaint_baseline")
_INT_FIELDS = (
    "person", "uid", "joined_step", "left_step", "recruiter", "generation", "posts",
    "replies", "replies_received", "shares", "answers", "recruits", "last_visit",
    "complaint_since", "first_post_step", "posts_after_first", "first_post_replies",
    "channel", "reason",
)
_BOOL_FIELDS = ("alive", "organiser_tie", "complaint_open", "shared_once")

#: How a member came in (``MemberState.channel``).
CHANNELS = {0: "initial", 1: "share", 2: "paid", 3: "invite"}


class MemberState:
    """Growing struct-of-arrays for members. ``n`` rows are in use."""

    def __init__(self, capacity: int = 64, value_window: int = 30, tie_width: int = 8):
        self.n = 0
        self.capacity = max(int(capacity), 1)
        for name in _FLOAT_FIELDS:
            setattr(self, name, np.zeros(self.capacity))
        for name in _INT_FIELDS:
            setattr(self, name, np.full(self.capacity, -1, dtype=np.int64))
        for name in _BOOL_FIELDS:
            setattr(self, name, np.zeros(self.capacity, dtype=bool))
        # value produced per day, ring buffer over the pruning window
        self.value_ring = np.zeros((value_window, self.capacity))
        self.archive: list[dict[str, np.ndarray]] = []
        self.ties = np.full((self.capacity, tie_width), -1, dtype=np.int64)
        self.tie_count = np.zeros(self.capacity, dtype=np.int64)
        self.alive_degree = np.zeros(self.capacity, dtype=np.int64)

    # ------------------------------------------------------------------ growth
    def _grow(self, needed: int) -> None:
        new_cap = self.capacity
        while new_cap < needed:
            new_cap *= 2
        if new_cap == self.capacity:
            return
        for name in _FLOAT_FIELDS + _INT_FIELDS + _BOOL_FIELDS:
            old = getattr(self, name)
            fill = -1 if old.dtype == np.int64 else 0
            new = np.full(new_cap, fill, dtype=old.dtype)
            new[: self.capacity] = old
            setattr(self, name, new)
        ring = np.zeros((self.value_ring.shape[0], new_cap))
        ring[:, : self.capacity] = self.value_ring
        self.value_ring = ring
        ties = np.full((new_cap, self.ties.shape[1]), -1, dtype=np.int64)
        ties[: self.capacity] = self.ties
        self.ties = ties
        for name in ("tie_count", "alive_degree"):
            old = getattr(self, name)
            new = np.zeros(new_cap, dtype=np.int64)
            new[: self.capacity] = old
            setattr(self, name, new)
        self.capacity = new_cap

    def add_rows(self, count: int) -> np.ndarray:
        """Reserve ``count`` new rows (all fields at their empty values); return their indices."""
        self._grow(self.n + count)
        rows = np.arange(self.n, self.n + count)
        self.n += count
        return rows

    # ------------------------------------------------------------------ ties
    def add_ties(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add undirected ties ``a[i] -- b[i]`` (callers pass distinct, alive pairs)."""
        if a.size == 0:
            return
        src = np.concatenate([a, b])
        dst = np.concatenate([b, a])
        order = np.argsort(src, kind="stable")
        src, dst = src[order], dst[order]
        # slot for each new entry: current count + rank within its source
        first = np.searchsorted(src, src, side="left")
        rank = np.arange(src.size) - first
        slot = self.tie_count[src] + rank
        need = int(slot.max()) + 1
        if need > self.ties.shape[1]:
            width = self.ties.shape[1]
            while width < need:
                width *= 2
            wider = np.full((self.capacity, width), -1, dtype=np.int64)
            wider[:, : self.ties.shape[1]] = self.ties
            self.ties = wider
        self.ties[src, slot] = dst
        np.add.at(self.tie_count, src, 1)
        np.add.at(self.alive_degree, src, 1)

    def drop_ties_of(self, rows: np.ndarray) -> None:
        """Update alive degrees when ``rows`` leave (their tie slots stay, masked by ``alive``)."""
        if rows.size == 0:
            return
        neighbours = self.ties[rows]
        neighbours = neighbours[neighbours >= 0]
        np.subtract.at(self.alive_degree, neighbours, 1)
        self.alive_degree[rows] = 0

    def neighbours(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Alive neighbours of ``rows`` as (owner position in ``rows``, neighbour row) pairs."""
        block = self.ties[rows]
        valid = block >= 0
        valid[valid] = self.alive[block[valid]]
        owner, slot = np.nonzero(valid)
        return owner, block[owner, slot]

    def alive_rows(self) -> np.ndarray:
        return np.flatnonzero(self.alive[: self.n])

    # ------------------------------------------------------------------ compaction
    def compact(self) -> np.ndarray:
        """Archive the rows of members who left and pack current members to the front.

        Returns
        -------
        ndarray
            ``new_row[old_row]`` for the ``n`` rows before compaction (-1 for archived rows).
        """
        n = self.n
        keep = self.alive[:n].copy()
        gone = np.flatnonzero(~keep)
        self.archive.append({name: getattr(self, name)[gone].copy()
                             for name in _FLOAT_FIELDS + _INT_FIELDS + _BOOL_FIELDS})
        new_row = np.full(n, -1, dtype=np.int64)
        kept = np.flatnonzero(keep)
        new_row[kept] = np.arange(kept.size)
        m = kept.size
        for name in _FLOAT_FIELDS + _INT_FIELDS + _BOOL_FIELDS:
            array = getattr(self, name)
            array[:m] = array[kept]
            array[m:n] = -1 if array.dtype == np.int64 else 0
        self.value_ring[:, :m] = self.value_ring[:, kept]
        self.value_ring[:, m:n] = 0
        ties = self.ties[kept]
        ties = np.where(ties >= 0, new_row[np.maximum(ties, 0)], -1)
        ties = -np.sort(-ties, axis=1)  # live partners first, holes (-1) last
        self.ties[:m] = ties
        self.ties[m:n] = -1
        self.tie_count[:m] = (ties >= 0).sum(axis=1)
        self.tie_count[m:n] = 0
        self.alive_degree[:m] = self.tie_count[:m]
        self.alive_degree[m:n] = 0
        self.n = m
        return new_row

    def all_rows(self, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Values of ``names`` for everybody who ever joined (archive first, then current)."""
        return {name: np.concatenate([part[name] for part in self.archive]
                                     + [getattr(self, name)[: self.n]]) for name in names}
