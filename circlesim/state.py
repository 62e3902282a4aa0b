"""Member state: one row per person who ever joined, in numpy arrays.

Rows are assigned in joining order; ``alive`` marks current members and arrays grow by doubling.
When members who left outnumber current ones, :meth:`MemberState.compact` moves their rows to an
archive (kept for the per-member table) and packs the current members to the front, so a day's
work stays proportional to the current group, however long the run. A member's lasting identity
is its Mesa ``unique_id`` (``uid``); ``recruiter`` holds the recruiter's ``uid``. Mesa ``Member``
agents are thin views over one row each (see ``agents.py``).

Storage is field-major: three 2-D arrays ``floats``, ``ints`` and ``bools`` hold one field per
row (``state.engagement`` is the view ``floats[ENGAGEMENT]``), so a compiled kernel takes the
whole state in three arguments and the per-member cost is a few hundred bytes
(:data:`BYTES_PER_MEMBER`).

Member-member ties are a padded adjacency matrix ``ties[row, slot]`` (``-1`` = empty) with
``tie_count[row]`` used slots. Ties to members who left stay in the matrix and are masked out by
``alive``.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

from .kernels import FORMER, MEMBER, table_clear, table_or
from .market import lazy_interest
from .rules import engagement_after, new_member_draws, pick_homophilous_ties

__all__ = ["MemberState", "Channel", "LeaveReason", "LEAVE_REASONS", "CHANNELS",
           "FLOAT_FIELDS", "INT_FIELDS", "BOOL_FIELDS", "BYTES_PER_MEMBER"]


class Channel(IntEnum):
    """How a member came in (``MemberState.channel``)."""

    INITIAL = 0
    SHARE = 1
    PAID = 2
    INVITE = 3


class LeaveReason(IntEnum):
    """Why a member left (``MemberState.reason``; ``MEMBER`` = still a member)."""

    MEMBER = 0
    LEFT = 1
    INACTIVE = 2
    PRUNED = 3


#: Codes of ``MemberState.reason`` -> the words used in the member table.
LEAVE_REASONS = {r.value: r.name.lower() for r in LeaveReason}
#: Codes of ``MemberState.channel`` -> the words used in the member table.
CHANNELS = {c.value: c.name.lower() for c in Channel}

FLOAT_FIELDS = ("engagement", "activity", "interest", "value_window", "complaint_baseline",
                "resolved_tone",
                # a member's constant factors of content relevance (rules.member_relevance
                # computes them on first need: 0 = not yet)
                "relevance_scale", "relevance_ratio", "organiser_relevance")
INT_FIELDS = (
    "person", "uid", "joined_step", "left_step", "recruiter", "generation", "posts",
    "replies", "replies_received", "shares", "answers", "recruits", "last_visit",
    "complaint_since", "first_post_step", "posts_after_first", "first_post_replies",
    "channel", "reason", "tie_count", "alive_degree",
)
BOOL_FIELDS = ("alive", "organiser_tie", "complaint_open", "shared_once")

# field indices, for compiled kernels
(ENGAGEMENT, ACTIVITY, INTEREST, VALUE_WINDOW, COMPLAINT_BASELINE, RESOLVED_TONE,
 RELEVANCE_SCALE, RELEVANCE_RATIO, ORGANISER_RELEVANCE) = range(len(FLOAT_FIELDS))
(PERSON, UID, JOINED_STEP, LEFT_STEP, RECRUITER, GENERATION, POSTS, REPLIES, REPLIES_RECEIVED,
 SHARES, ANSWERS, RECRUITS, LAST_VISIT, COMPLAINT_SINCE, FIRST_POST_STEP, POSTS_AFTER_FIRST,
 FIRST_POST_REPLIES, CHANNEL, REASON, TIE_COUNT, ALIVE_DEGREE) = range(len(INT_FIELDS))
(ALIVE, ORGANISER_TIE, COMPLAINT_OPEN, SHARED_ONCE) = range(len(BOOL_FIELDS))

_ARCHIVED = FLOAT_FIELDS[:RESOLVED_TONE] + INT_FIELDS[:-2] + BOOL_FIELDS


def bytes_per_member(value_window: int, tie_width: int = 8) -> int:
    """Bytes one member row takes (fields, value ring, tie slots), before doubling slack."""
    return 8 * len(FLOAT_FIELDS) + 8 * len(INT_FIELDS) + len(BOOL_FIELDS) \
        + 8 * value_window + 8 * tie_width


#: Bytes per member row at the default value window (30 days) and 8 tie slots.
BYTES_PER_MEMBER = bytes_per_member(30)


class MemberState:
    """Growing struct-of-arrays for members. ``n`` rows are in use."""

    def __init__(self, capacity: int = 64, value_window: int = 30, tie_width: int = 8):
        self.n = 0
        self.capacity = max(int(capacity), 1)
        self.floats = np.zeros((len(FLOAT_FIELDS), self.capacity))
        self.ints = np.full((len(INT_FIELDS), self.capacity), -1, dtype=np.int64)
        self.ints[TIE_COUNT] = 0
        self.ints[ALIVE_DEGREE] = 0
        self.bools = np.zeros((len(BOOL_FIELDS), self.capacity), dtype=bool)
        # value produced per day, ring buffer over the pruning window
        self.value_ring = np.zeros((value_window, self.capacity))
        self.archive: list[dict[str, np.ndarray]] = []
        self.ties = np.full((self.capacity, tie_width), -1, dtype=np.int64)
        self._bind_fields()

    def _bind_fields(self) -> None:
        """Bind each field's name to its row view of the blocks (``self.engagement`` is
        ``self.floats[ENGAGEMENT]``); called again whenever the blocks are reallocated."""
        for block, names in (("floats", FLOAT_FIELDS), ("ints", INT_FIELDS),
                             ("bools", BOOL_FIELDS)):
            rows = getattr(self, block)
            for i, name in enumerate(names):
                self.__dict__[name] = rows[i]

    # ------------------------------------------------------------------ growth
    def _grow(self, needed: int) -> None:
        new_cap = self.capacity
        while new_cap < needed:
            new_cap *= 2
        if new_cap == self.capacity:
            return
        old = self.capacity

        def wider(a: np.ndarray, fill) -> np.ndarray:
            b = np.full(a.shape[:-1] + (new_cap,), fill, dtype=a.dtype)
            b[..., :old] = a
            return b

        self.floats = wider(self.floats, 0.0)
        self.ints = wider(self.ints, -1)
        self.ints[TIE_COUNT, old:] = 0
        self.ints[ALIVE_DEGREE, old:] = 0
        self.bools = wider(self.bools, False)
        self.value_ring = wider(self.value_ring, 0.0)
        ties = np.full((new_cap, self.ties.shape[1]), -1, dtype=np.int64)
        ties[:old] = self.ties
        self.ties = ties
        self.capacity = new_cap
        self._bind_fields()

    def reserve(self, count: int) -> None:
        """Make room for ``count`` more rows (``n`` unchanged)."""
        if self.n + count > self.capacity:
            self._grow(self.n + count)

    def use_rows(self, count: int) -> None:
        """The next ``count`` rows, within the room reserved and filled by a compiled call
        (``state.admit_members``), are in use."""
        if self.n + count > self.capacity:
            raise ValueError(f"{count} rows beyond the reserved room")
        self.n += count

    def add_rows(self, count: int) -> np.ndarray:
        """Reserve ``count`` new rows (all fields at their empty values); return their indices."""
        self._grow(self.n + count)
        rows = np.arange(self.n, self.n + count)
        self.n += count
        return rows

    @property
    def nbytes(self) -> int:
        return (self.floats.nbytes + self.ints.nbytes + self.bools.nbytes
                + self.value_ring.nbytes + self.ties.nbytes)

    # ------------------------------------------------------------------ ties
    def add_ties(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add undirected ties ``a[i] -- b[i]`` (callers pass distinct, alive pairs)."""
        if a.size == 0:
            return
        a = np.ascontiguousarray(a, dtype=np.int64)
        b = np.ascontiguousarray(b, dtype=np.int64)
        self.ties = add_ties(self.ties, self.ints, a, b)  # rows widened if a member needs it

    def drop_ties_of(self, rows: np.ndarray) -> None:
        """Update alive degrees when ``rows`` leave (their tie slots stay, masked by ``alive``)."""
        _drop_ties(self.ties, self.ints, np.asarray(rows, dtype=np.int64))

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
        self.archive.append({name: getattr(self, name)[gone].copy() for name in _ARCHIVED})
        new_row = np.full(n, -1, dtype=np.int64)
        kept = np.flatnonzero(keep)
        new_row[kept] = np.arange(kept.size)
        m = kept.size
        for block, fill in ((self.floats, 0.0), (self.ints, -1), (self.bools, False),
                            (self.value_ring, 0.0)):
            block[:, :m] = block[:, kept]
            block[:, m:n] = fill
        ties = self.ties[kept]
        ties = np.where(ties >= 0, new_row[np.maximum(ties, 0)], -1)
        # live partners first, holes (-1) last. The sort also puts the live partners in
        # descending row order, the order in which step 3 visits a poster's readers and draws
        # for them: when rows are compacted is part of a run's draws (a change of the model's
        # compaction threshold changes which reader gets which random number, not the law)
        ties = -np.sort(-ties, axis=1)
        self.ties[:m] = ties
        self.ties[m:n] = -1
        self.ints[TIE_COUNT, :m] = (ties >= 0).sum(axis=1)
        self.ints[TIE_COUNT, m:n] = 0
        self.ints[ALIVE_DEGREE, :m] = self.ints[TIE_COUNT, :m]
        self.ints[ALIVE_DEGREE, m:n] = 0
        self.n = m
        return new_row

    def all_rows(self, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Values of ``names`` for everybody who ever joined (archive first, then current)."""
        return {name: np.concatenate([part[name] for part in self.archive]
                                     + [getattr(self, name)[: self.n]]) for name in names}


@njit(cache=True)
def _ties_width_needed(ints, a, b):
    """The slots the busiest row would use after the ties ``a[i] -- b[i]`` (counted in
    ``TIE_COUNT`` and taken back: no array the size of the group)."""
    need = 0
    for q in range(a.shape[0]):
        for r in (a[q], b[q]):
            ints[TIE_COUNT, r] += 1
            need = max(need, ints[TIE_COUNT, r])
    for q in range(a.shape[0]):
        for r in (a[q], b[q]):
            ints[TIE_COUNT, r] -= 1
    return need


@njit(cache=True)
def add_ties(ties, ints, a, b):
    """Add the undirected ties ``a[i] -- b[i]`` to the padded rows ``ties``; returns the rows:
    ``ties`` itself, or a wider copy (the width doubled until it fits) when a row lacks the
    slots."""
    need = _ties_width_needed(ints, a, b)
    if need > ties.shape[1]:
        width = ties.shape[1]
        while width < need:
            width *= 2
        wider = np.full((ties.shape[0], width), -1, dtype=np.int64)
        for r in range(ties.shape[0]):  # (a loop: a slice assignment compiles numpy's
            for slot in range(ties.shape[1]):  # shape-mismatch messages, seconds more)
                wider[r, slot] = ties[r, slot]
        ties = wider
    _add_ties(ties, ints, a, b)
    return ties


@njit(cache=True)
def _add_ties(ties, ints, a, b):
    for q in range(a.shape[0]):
        x, y = a[q], b[q]
        ties[x, ints[TIE_COUNT, x]] = y
        ints[TIE_COUNT, x] += 1
        ints[ALIVE_DEGREE, x] += 1
        ties[y, ints[TIE_COUNT, y]] = x
        ints[TIE_COUNT, y] += 1
        ints[ALIVE_DEGREE, y] += 1


@njit(cache=True)
def _drop_ties(ties, ints, rows):
    for q in range(rows.shape[0]):
        r = rows[q]
        for slot in range(ints[TIE_COUNT, r]):
            nb = ties[r, slot]
            if nb >= 0:
                ints[ALIVE_DEGREE, nb] -= 1
    for q in range(rows.shape[0]):
        ints[ALIVE_DEGREE, rows[q]] = 0


# ---------------------------------------------------------------- bookkeeping kernels
@njit(cache=True)
def admit_rows(ints, floats, bools, start, people, interest, recruiter, channel, t, engagement,
               activity, tie):
    """Fill the new rows ``start ...`` for ``people`` who join on day ``t`` (recruiter rows,
    -1 for none). Returns (members who recruited for the first time, deepest generation)."""
    new_recruiters = 0
    deepest = 0
    for q in range(people.shape[0]):
        r = start + q
        rec = recruiter[q]
        ints[PERSON, r] = people[q]
        ints[JOINED_STEP, r] = t
        ints[LAST_VISIT, r] = t
        if rec >= 0:
            ints[RECRUITER, r] = ints[UID, rec]
            ints[GENERATION, r] = ints[GENERATION, rec] + 1
            if ints[RECRUITS, rec] == 0:
                new_recruiters += 1
            ints[RECRUITS, rec] += 1
        else:
            ints[RECRUITER, r] = -1
            ints[GENERATION, r] = 0
        deepest = max(deepest, ints[GENERATION, r])
        ints[CHANNEL, r] = channel
        ints[REASON, r] = 0
        for f in (POSTS, REPLIES, REPLIES_RECEIVED, SHARES, ANSWERS, RECRUITS,
                  POSTS_AFTER_FIRST):
            ints[f, r] = 0
        floats[INTEREST, r] = interest[q]
        floats[ENGAGEMENT, r] = engagement[q]
        floats[ACTIVITY, r] = activity[q]
        bools[ALIVE, r] = True
        bools[ORGANISER_TIE, r] = tie[q]
    return new_recruiters, deepest


@njit(cache=True)
def retire_rows(ints, bools, rows, t, reason):
    """Members at ``rows`` leave on day ``t`` for ``reason`` (their complaint closes)."""
    for r in rows:
        bools[ALIVE, r] = False
        bools[COMPLAINT_OPEN, r] = False
        ints[LEFT_STEP, r] = t
        ints[REASON, r] = reason


@njit(cache=True)
def record_posts(ints, floats, posts, n, t, topic_row):
    """Count today's posts per member (and first posts), and the week's topic histogram row
    (``len(topic_row)`` bins of the posters' interest). Returns the posts written."""
    bins = topic_row.shape[0]
    for b in range(bins):
        topic_row[b] = 0.0
    total = 0
    for i in range(n):
        k = posts[i]
        if k == 0:
            continue
        total += k
        ints[POSTS, i] += k
        if ints[FIRST_POST_STEP, i] >= 0:
            ints[POSTS_AFTER_FIRST, i] += k
        else:
            ints[FIRST_POST_STEP, i] = t
        topic_row[int(floats[INTEREST, i] * bins) % bins] += k
    return total


@njit(cache=True)
def record_replies(ints, replies_made, replies_received, n, t):
    """Count today's replies written and received (and those to a first post made today).
    Returns the replies written."""
    total = 0
    for i in range(n):
        total += replies_made[i]
        ints[REPLIES, i] += replies_made[i]
        ints[REPLIES_RECEIVED, i] += replies_received[i]
        if ints[FIRST_POST_STEP, i] == t:
            ints[FIRST_POST_REPLIES, i] = replies_received[i]
    return total


@njit(cache=True)
def record_value(ints, floats, value_ring, posts, replies_made, sharer_rows, answers_by,
                 visited, t):
    """Today's value per member (posts + replies + a share + answers) enters the rolling
    window (``value_ring`` slot ``t mod window``); shares and visits are counted."""
    n = posts.shape[0]
    slot = t % value_ring.shape[0]
    value = np.zeros(n, dtype=np.float64)
    for q in range(sharer_rows.shape[0]):
        r = sharer_rows[q]
        if r >= 0:
            ints[SHARES, r] += 1
            value[r] += 1.0
    for i in range(n):
        ints[ANSWERS, i] += answers_by[i]
        if visited[i]:
            ints[LAST_VISIT, i] = t
        v = value[i] + posts[i] + replies_made[i] + answers_by[i]
        floats[VALUE_WINDOW, i] += v - value_ring[slot, i]
        value_ring[slot, i] = v


@njit(cache=True)
def record_engagement(floats, ints, bools, n, t, newcomer_days, seen, tone_sum,
                      replies_received, contagion, reply_reward, decay):
    """Apply :func:`circlesim.rules.update_engagement` to every current member in place
    (departed members keep their last value)."""
    for i in range(n):
        if bools[ALIVE, i]:
            floats[ENGAGEMENT, i] = engagement_after(
                floats[ENGAGEMENT, i], seen[i], tone_sum[i], replies_received[i],
                t - ints[JOINED_STEP, i] < newcomer_days, contagion, reply_reward, decay)


@njit(cache=True)
def count_waiting_and_tied(bools, ints, n, t, delay):
    """Current members' open complaints at least ``delay`` days old on day ``t``, and current
    members tied to the organiser (the organiser's demands of the day)."""
    waiting = 0
    tied = 0
    for i in range(n):
        if bools[ALIVE, i]:
            if bools[COMPLAINT_OPEN, i] and t - ints[COMPLAINT_SINCE, i] >= delay:
                waiting += 1
            if bools[ORGANISER_TIE, i]:
                tied += 1
    return waiting, tied


@njit(cache=True)
def admit_members(floats, ints, bools, start, people, recruiter, channel, t, initial_engagement,
                  activity_sigma, centre_strength, member_ties, lazy, seed, size, topics, spread,
                  centre, interest_array, slots, count, rs):
    """``people`` join on day ``t`` into rows ``start ...`` (already reserved): their draws
    (:func:`rules.new_member_draws`), their rows, the people table, and their ties
    (:func:`rules.pick_homophilous_ties`: to the current members, or among themselves for the
    founders, ``channel`` 0). Returns the tie pairs ``(a, b)`` to add (recruiter ties first),
    the members who recruited for the first time and the deepest generation."""
    k = people.shape[0]
    interest = np.empty(k, dtype=np.float64)
    for q in range(k):
        interest[q] = lazy_interest(seed, size, topics, spread, centre, people[q]) if lazy \
            else interest_array[people[q]]
    engagement, activity, tie = new_member_draws(k, initial_engagement, activity_sigma,
                                                 centre_strength, rs)
    new_recruiters, deepest = admit_rows(ints, floats, bools, start, people, interest,
                                         recruiter, channel, t, engagement, activity, tie)
    for q in range(k):
        table_or(slots, count, people[q], MEMBER)
    rows = np.empty(k, dtype=np.int64)
    for q in range(k):
        rows[q] = start + q
    if channel == 0:  # the founders tie among themselves
        pool = rows
        exclude = rows
    else:  # joiners tie to current members
        alive = 0
        for r in range(start):
            if bools[ALIVE, r]:
                alive += 1
        pool = np.empty(alive, dtype=np.int64)
        alive = 0
        for r in range(start):
            if bools[ALIVE, r]:
                pool[alive] = r
                alive += 1
        exclude = recruiter
    pool_interest = np.empty(pool.shape[0], dtype=np.float64)
    for q in range(pool.shape[0]):
        pool_interest[q] = floats[INTEREST, pool[q]]
    owner, partner = pick_homophilous_ties(interest, pool, pool_interest, member_ties,
                                           exclude, rs)
    has = 0
    for q in range(k):
        if recruiter[q] >= 0:
            has += 1
    a = np.empty(has + owner.shape[0], dtype=np.int64)
    b = np.empty(has + owner.shape[0], dtype=np.int64)
    m = 0
    for q in range(k):
        if recruiter[q] >= 0:
            a[m] = rows[q]
            b[m] = recruiter[q]
            m += 1
    for q in range(owner.shape[0]):
        a[m] = rows[owner[q]]
        b[m] = partner[q]
        m += 1
    return a, b, new_recruiters, deepest


@njit(cache=True)
def retire_members(ints, bools, ties, rows, t, reason, slots, count):
    """Members at ``rows`` leave on day ``t``: their rows, the people table (former members
    do not rejoin) and the alive degrees of their partners."""
    retire_rows(ints, bools, rows, t, reason)
    for r in rows:
        person = ints[PERSON, r]
        table_or(slots, count, person, FORMER)
        table_clear(slots, person, MEMBER)
    _drop_ties(ties, ints, rows)
