"""The rules of a day, one pure function per step, vectorised over member arrays.

Each function takes arrays and a numpy ``Generator`` and returns new arrays; none touches the
model. ``CommunityModel.step`` (model.py) calls them in the order of DESIGN.md §3 and writes the
results back. The docstrings name the source claim each rule models (``S1``: "community
marketing meaning"; ``S2``: "social marketing characteristics", both in ``shared/seeds``) and
its equation. Probabilities that combine several independent chances use
``1 - (1 - p)^k``; engagement ``e`` is always kept in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kernels import FORMER, MEMBER
from .market import Audience, Market, circular_distance, interest_match
from .metrics import first_occurrence

__all__ = [
    "draw_problems",
    "draw_visits",
    "draw_member_posts",
    "read_and_reply",
    "ReadResult",
    "update_engagement",
    "member_answers",
    "organiser_answers",
    "draw_sharers",
    "spread_shares",
    "recruit",
    "draw_leavers",
    "select_pruned",
    "pick_homophilous_ties",
    "relevance",
    "media_adoption",
]


#: Topic relevance ``exp(-d^2 / (2 w^2))`` of a post with topic ``b`` to a reader ``a``: the
#: same Gaussian as a person's interest match with the niche (one function, two names).
relevance = interest_match


# ---------------------------------------------------------------- 1. problems
def draw_problems(can_complain: np.ndarray, probability: float, rng: np.random.Generator) -> np.ndarray:
    """Step 1 — members hit a product or service problem and post a complaint.

    S1 advantage three ("when the user product or service project has a problem").

    Parameters
    ----------
    can_complain : bool ndarray
        Alive members with no complaint open.
    probability : float
        Daily problem probability ``p``.

    Returns
    -------
    bool ndarray
        New complaints: ``can_complain & (U < p)``.
    """
    return can_complain & (rng.random(can_complain.shape[0]) < probability)


# ---------------------------------------------------------------- 2. posting
def draw_visits(engagement: np.ndarray, alive: np.ndarray, floor: float,
                rng: np.random.Generator) -> np.ndarray:
    """Step 2a — who opens the group today.

    ``P(visit) = f + (1 - f) e``: engaged members come back; disengaged ones drift away
    (long absence later counts as gone, step 8).
    """
    p = floor + (1.0 - floor) * engagement
    return alive & (rng.random(engagement.shape[0]) < p)


def draw_member_posts(activity: np.ndarray, engagement: np.ndarray, visited: np.ndarray,
                      post_rate: float, rng: np.random.Generator) -> np.ndarray:
    """Step 2b — members post (S2 §1, multi-directional interaction: members "release
    information themselves").

    Posts per visit ``~ Poisson(r a e)``: rising with activity propensity ``a`` (log-normal
    across members, which gives participation inequality, Nielsen's 90-9-1) and engagement
    ``e``.

    Returns
    -------
    int ndarray
        Posts per member today (0 for members who did not visit).
    """
    posts = np.zeros(activity.shape[0], dtype=np.int64)
    idx = np.flatnonzero(visited)
    posts[idx] = rng.poisson(post_rate * activity[idx] * engagement[idx])
    return posts


# ---------------------------------------------------------------- 3. reading, replying
@dataclass
class ReadResult:
    """What members saw and did while reading (arrays over member rows)."""

    seen: np.ndarray              # posts seen
    tone_sum: np.ndarray          # sum of tones of the posts seen
    replies_made: np.ndarray      # replies written
    replies_received: np.ndarray  # replies received on own posts
    organiser_replies_received: int


def read_and_reply(
    *,
    n_rows: int,
    source_rows: np.ndarray,
    source_posts: np.ndarray,
    source_items: np.ndarray,
    source_tone_sum: np.ndarray,
    reader_of_source: np.ndarray,
    neighbour: np.ndarray,
    visited: np.ndarray,
    engagement: np.ndarray,
    interest: np.ndarray,
    organiser_posts: int,
    organiser_readers: np.ndarray,
    campaign_tone: float,
    niche_center: float,
    reply_probability: float,
    relevance_width: float,
    rng: np.random.Generator,
) -> ReadResult:
    """Step 3 — neighbours read posts and reply (S1 "two-way interactive communication";
    S2 §1 multi-directional interaction).

    A visiting neighbour ``r`` of source ``s`` sees all of ``s``'s items today (posts, an open
    complaint, an answered complaint) and replies to each *post* with probability
    ``min(1, rho e_r rel(x_r, x_s))``; replies to ``s`` are ``Binomial(posts_s, that)``.
    Organiser posts reach ``organiser_readers`` (tied members, or all with broadcast) with tone
    ``campaign_tone`` and topic ``niche_center``.

    Parameters
    ----------
    source_rows, source_posts, source_items, source_tone_sum : ndarray
        Rows with something to show; their member posts; all visible items; tone sum of items.
    reader_of_source, neighbour : ndarray
        Tie pairs (position in ``source_rows``, neighbour row), alive neighbours only.
    organiser_readers : bool ndarray
        Members who see organiser posts today.

    Returns
    -------
    ReadResult
    """
    seen = np.zeros(n_rows)
    tone_sum = np.zeros(n_rows)
    replies_made = np.zeros(n_rows, dtype=np.int64)
    replies_received = np.zeros(n_rows, dtype=np.int64)

    reading = visited[neighbour]
    src_pos = reader_of_source[reading]
    readers = neighbour[reading]
    if readers.size:
        src = source_rows[src_pos]
        seen += np.bincount(readers, weights=source_items[src_pos], minlength=n_rows)
        tone_sum += np.bincount(readers, weights=source_tone_sum[src_pos], minlength=n_rows)
        posts = source_posts[src_pos]
        has_posts = posts > 0
        if reply_probability > 0 and has_posts.any():
            r, s, k = readers[has_posts], src[has_posts], posts[has_posts]
            p = np.minimum(1.0, reply_probability * engagement[r]
                           * relevance(interest[r], interest[s], relevance_width))
            replies = rng.binomial(k, p)
            replies_made += np.bincount(r, weights=replies, minlength=n_rows).astype(np.int64)
            replies_received += np.bincount(s, weights=replies, minlength=n_rows).astype(np.int64)

    organiser_received = 0
    if organiser_posts > 0:
        org_readers = np.flatnonzero(organiser_readers & visited)
        seen[org_readers] += organiser_posts
        tone_sum[org_readers] += organiser_posts * campaign_tone
        if reply_probability > 0 and org_readers.size:
            p = np.minimum(1.0, reply_probability * engagement[org_readers]
                           * relevance(interest[org_readers], niche_center, relevance_width))
            replies = rng.binomial(organiser_posts, p)
            replies_made[org_readers] += replies
            organiser_received = int(replies.sum())
    return ReadResult(seen, tone_sum, replies_made, replies_received, organiser_received)


# ---------------------------------------------------------------- 4. emotional contagion
def update_engagement(engagement: np.ndarray, seen: np.ndarray, tone_sum: np.ndarray,
                      replies_received: np.ndarray, newcomer: np.ndarray, *,
                      contagion: float, reply_reward: float, decay: float) -> np.ndarray:
    """Step 4 — emotional contagion, reply reward and decay (S2 §3, emotional marketing:
    "people are infected").

    With ``n`` posts seen of mean tone ``tau``, ``k`` replies received and newcomer factor
    ``m`` (2 for newcomers, else 1)::

        e' = e + (1 - (1 - c)^n) (tau - e)           # contagion, small per exposure
        e' = e' + (1 - (1 - min(1, m rr))^k) (1 - e')  # a reply received lifts the poster
        e' = (1 - d) e'                               # daily decay

    Kramer et al. (2014) found the per-exposure effect small (d about 0.02): ``c`` defaults
    to 0.02.
    """
    e = engagement.copy()
    # only members who saw something or got a reply change beyond decay: work on those rows
    seen_rows = np.flatnonzero(seen) if contagion > 0 else np.empty(0, dtype=np.int64)
    if seen_rows.size:
        n = seen[seen_rows]
        tau = tone_sum[seen_rows] / n
        pull = 1.0 - (1.0 - contagion) ** n
        e[seen_rows] += pull * (tau - e[seen_rows])
    replied = np.flatnonzero(replies_received) if reply_reward > 0 else np.empty(0, dtype=np.int64)
    if replied.size:
        rr = np.minimum(1.0, reply_reward * np.where(newcomer[replied], 2.0, 1.0))
        e[replied] += (1.0 - (1.0 - rr) ** replies_received[replied]) * (1.0 - e[replied])
    e *= 1.0 - decay
    return np.clip(e, 0.0, 1.0, out=e)


# ---------------------------------------------------------------- 5. complaints
def member_answers(complainer_pos: np.ndarray, helper: np.ndarray, visited: np.ndarray,
                   engagement: np.ndarray, help_probability: float,
                   n_complaints: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 5a — engaged members answer open complaints they see (S2 §4, self-running;
    S1 advantage three: "a short period of time through the community to solve").

    Each visiting neighbour ``h`` answers with probability ``beta e_h``; a complaint is solved
    when at least one does, i.e. with probability ``1 - prod_h (1 - beta e_h)``.

    Returns
    -------
    solved : bool ndarray, shape (n_complaints,)
    helpers : ndarray
        Rows of every member who answered (one entry per answer).
    """
    solved = np.zeros(n_complaints, dtype=bool)
    if help_probability <= 0 or helper.size == 0:
        return solved, np.empty(0, dtype=np.int64)
    looking = visited[helper]
    pos, h = complainer_pos[looking], helper[looking]
    answered = rng.random(h.size) < help_probability * engagement[h]
    solved[pos[answered]] = True
    return solved, h[answered]


def organiser_answers(open_since: np.ndarray, today: int, capacity: int, delay: int) -> np.ndarray:
    """Step 5b — the organiser answers up to ``capacity`` complaints, oldest first, once they
    are at least ``delay`` days old (S1 advantage three: "rapid response is very easy to get
    customer recognition").

    Parameters
    ----------
    open_since : int ndarray
        Day each still-open complaint was posted.

    Returns
    -------
    ndarray
        Positions (into ``open_since``) of the complaints answered.
    """
    if capacity <= 0 or open_since.size == 0:
        return np.empty(0, dtype=np.int64)
    ready = np.flatnonzero(today - open_since >= delay)
    if ready.size > capacity:
        oldest = np.argsort(open_since[ready], kind="stable")[:capacity]
        ready = ready[oldest]
    return ready


# ---------------------------------------------------------------- 6. sharing outside
def draw_sharers(engagement: np.ndarray, visited: np.ndarray, share_probability: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Step 6a — members share a post to their outside friends (S2 §1: members "spread share
    information"; S2 §3: infected members grow the group).

    ``P(share) = min(1, s 2e)`` for visiting members: equal to ``s`` at engagement 0.5 and
    rising with engagement.
    """
    p = np.minimum(1.0, share_probability * 2.0 * engagement)
    return visited & (rng.random(engagement.shape[0]) < p)


def spread_shares(market: Market, sharer_people: np.ndarray, reach_probability: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 6b — a share reaches each of the sharer's outside friends independently with
    probability ``reach_probability`` (S2 advantage one: "500 people in the group and 100
    people in a person's circle of friends ... how much exposure").

    Exposures are ``sum_i Binomial(k_i, q)``; with ``q = 1`` exactly ``sum_i k_i``. Friends of
    different sharers overlap (homophily), so unique reach is less.

    Returns
    -------
    exposed : ndarray
        Market people reached, one entry per exposure.
    by : ndarray
        For each exposure, its sharer's position in ``sharer_people``.
    """
    friends, owner = market.gather_friends(sharer_people)
    if reach_probability < 1.0 and friends.size:
        hit = rng.random(friends.size) < reach_probability
        friends, owner = friends[hit], owner[hit]
    return friends.astype(np.int64), owner


# ---------------------------------------------------------------- 7. recruiting
def recruit(exposed: np.ndarray, by: np.ndarray, flags: np.ndarray, match: np.ndarray,
            join_probability: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 7 — an exposed outsider joins with probability ``j * match(x)`` (S1 §3,
    precision: "directed demand, interpersonal trust"; S1 §4, "one to ten, ten to a hundred").

    Every exposure is an independent chance; a person reached several times joins if any
    succeeds, and is credited to one successful sharer chosen at random.

    Parameters
    ----------
    exposed, by : ndarray
        Exposure targets (market ids) and the position of the sharer behind each.
    flags : uint8 ndarray, one per exposure
        The exposed person's flags (``kernels.MEMBER``, ``kernels.FORMER``): only people who
        were never members may join.
    match : float ndarray, one per exposure
        The exposed person's interest match with the niche (1 when interest gating is off).

    Returns
    -------
    joiners : ndarray
        Distinct market ids of the people who decided to join.
    recruiter_pos : ndarray
        For each joiner, the position of its recruiter among the sharers.
    """
    if exposed.size == 0:
        return exposed, by
    ok = (flags & (MEMBER | FORMER)) == 0
    exposed, by, match = exposed[ok], by[ok], match[ok]
    success = rng.random(exposed.size) < join_probability * match
    exposed, by = exposed[success], by[success]
    if exposed.size == 0:
        return exposed, by
    shuffle = rng.permutation(exposed.size)
    people, first = first_occurrence(exposed[shuffle])
    return people, by[shuffle][first]


# ---------------------------------------------------------------- 8. leaving
def draw_leavers(engagement: np.ndarray, alive: np.ndarray, complaint_waiting: np.ndarray,
                 days_since_visit: np.ndarray, *, leave_rate: float, complaint_leave_risk: float,
                 inactive_days: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 8 — members leave as engagement falls; long-absent members count as gone.

    ``P(leave) = 1 - (1 - l (1 - e)^2)(1 - c [complaint unanswered])`` (S1 advantage three:
    unanswered complaints drive people out). A member absent ``inactive_days`` or more is gone.

    Returns
    -------
    left, inactive : bool ndarrays
    """
    p = 1.0 - (1.0 - leave_rate * (1.0 - engagement) ** 2) * (
        1.0 - complaint_leave_risk * complaint_waiting)
    left = alive & (rng.random(engagement.shape[0]) < p)
    if inactive_days > 0:
        inactive = alive & ~left & (days_since_visit >= inactive_days)
    else:
        inactive = np.zeros_like(left)
    return left, inactive


# ---------------------------------------------------------------- 9. interest replacement
def select_pruned(rows: np.ndarray, value: np.ndarray, tenure: np.ndarray, *, threshold: float,
                  fraction: float, min_tenure: int, rng: np.random.Generator) -> np.ndarray:
    """Step 9 — interest replacement (S2 §5: "the replacement of people who cannot produce
    value ... enhance the vitality of the group").

    Candidates are members of at least ``min_tenure`` days whose value in the window is below
    ``threshold``; at most ``floor(fraction * members)`` of them are removed, lowest value
    first (ties in random order).

    Returns
    -------
    ndarray
        Rows to prune.
    """
    limit = int(np.floor(fraction * rows.size))
    candidates = (value < threshold) & (tenure >= min_tenure)
    if limit <= 0 or not candidates.any():
        return np.empty(0, dtype=np.int64)
    cand_rows, cand_value = rows[candidates], value[candidates]
    order = np.lexsort((rng.random(cand_rows.size), cand_value))
    return cand_rows[order[:limit]]


# ---------------------------------------------------------------- network growth
def pick_homophilous_ties(new_interest: np.ndarray, pool_rows: np.ndarray, pool_interest: np.ndarray,
                          ties: int, rng: np.random.Generator,
                          exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ties a joiner makes to existing members: the ``ties`` nearest in interest among
    ``4 * ties`` drawn at random (interest homophily in a small world).

    Returns
    -------
    owner, partner : ndarray
        Position of the joiner (in ``new_interest``) and the partner row, one per tie.
    """
    if ties <= 0 or pool_rows.size == 0 or new_interest.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    draw = min(4 * ties, pool_rows.size)
    pick = rng.integers(0, pool_rows.size, size=(new_interest.size, draw))
    cand = pool_rows[pick]
    dist = circular_distance(pool_interest[pick], new_interest[:, None])
    # drop duplicate candidates and excluded partners (self, the recruiter)
    order = np.argsort(cand, axis=1, kind="stable")
    cand = np.take_along_axis(cand, order, axis=1)
    dist = np.take_along_axis(dist, order, axis=1)
    dup = np.zeros_like(cand, dtype=bool)
    dup[:, 1:] = cand[:, 1:] == cand[:, :-1]
    if exclude is not None:
        dup |= cand == exclude[:, None]
    dist[dup] = np.inf
    best = np.argsort(dist, axis=1, kind="stable")[:, : min(ties, draw)]
    owner = np.repeat(np.arange(new_interest.size), best.shape[1])
    partner = np.take_along_axis(cand, best, axis=1).ravel()
    keep = np.isfinite(np.take_along_axis(dist, best, axis=1).ravel())
    return owner[keep], partner[keep]


# ---------------------------------------------------------------- 10. mass-media baseline
def media_adoption(non_adopters: np.ndarray, match_levels: np.ndarray, adopters: int,
                   potential: float, impressions: float, market_size: int, conversion: float,
                   imitation_per_day: float, rng: np.random.Generator) -> np.ndarray:
    """Step 10b — the mass-media baseline: one-way ads bought with the same money, a Bass
    diffusion (Bass 1969) over the market (S1 §1: "traditional media investment of millions").

    Impressions fall uniformly on the market, so a person sees ``lambda = I / N`` per day.
    A non-adopter with interest match ``m`` adopts with hazard::

        h = 1 - exp(-m (lambda conv + q A / M))

    the discrete Bass model with innovation ``p = lambda conv`` bought by spend and imitation
    ``q`` among adopters ``A`` of a potential ``M = sum m``. With everybody matching fully and
    constant spend, the expected adopters follow the closed-form Bass curve.

    Returns
    -------
    int ndarray
        New adopters per match level.
    """
    p = impressions / market_size * conversion
    q = imitation_per_day * adopters / potential if potential > 0 else 0.0
    hazard = 1.0 - np.exp(-match_levels * (p + q))
    return rng.binomial(non_adopters, hazard)


# ---------------------------------------------------------------- founders and invitations
def choose_founders(market_size: int, count: int, match_of, rng: np.random.Generator,
                    exact_below: int = 1 << 20) -> np.ndarray:
    """Day 0 — the organiser invites ``count`` people, in proportion to their interest match
    (weighted sampling without replacement).

    Up to ``exact_below`` people: the Efraimidis & Spirakis (2006) keys
    ``log m_i + Gumbel_i``, the ``count`` largest win. Above: successive sampling, the same
    distribution (propose a uniform person, accept with probability ``m``, skip repeats), so a
    market of 10^9 people is never materialised.

    Parameters
    ----------
    match_of : callable
        ``match_of(ids)`` -> interest match of those people (1 without interest gating).

    Returns
    -------
    ndarray
        Sorted market ids.
    """
    count = min(int(count), int(market_size))
    if market_size <= exact_below:
        match = match_of(np.arange(market_size, dtype=np.int64))
        keys = np.log(np.maximum(match, 1e-300)) + rng.gumbel(size=market_size)
        return np.sort(np.argpartition(-keys, count - 1)[:count])
    chosen: dict[int, None] = {}
    for _ in range(10_000):
        need = count - len(chosen)
        if need <= 0:
            break
        proposal = rng.integers(0, market_size, size=4 * need + 64)
        accept = rng.random(proposal.size) < match_of(proposal)
        for person in proposal[accept].tolist():
            if person not in chosen:
                chosen[person] = None
                if len(chosen) == count:
                    break
    return np.sort(np.fromiter(chosen, dtype=np.int64, count=len(chosen)))


def draw_invitations(audience: Audience, people, count: int, rng: np.random.Generator,
                     enumerate_below: int = 1 << 20) -> np.ndarray:
    """Step 9b — the organiser invites ``count`` distinct people of the niche audience who were
    never members (replacements for the pruned), uniformly at random.

    A small audience is enumerated; a large one is sampled and filtered (rejection), so the
    market is never materialised. ``people`` is the model's :class:`kernels.PeopleTable`.

    Returns
    -------
    ndarray
        Market ids of the people invited (fewer than ``count`` if the audience runs out).
    """
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    if audience.size <= enumerate_below:
        candidates = audience.enumerate()
        candidates = candidates[(people.get(candidates) & (MEMBER | FORMER)) == 0]
        return rng.permutation(candidates)[:count]
    chosen: dict[int, None] = {}
    for _ in range(1000):
        need = count - len(chosen)
        if need <= 0:
            break
        proposal = audience.sample(2 * need + 16, rng)
        proposal = proposal[(people.get(proposal) & (MEMBER | FORMER)) == 0]
        for person in proposal.tolist():
            if person not in chosen:
                chosen[person] = None
                if len(chosen) == count:
                    break
    return np.fromiter(chosen, dtype=np.int64, count=len(chosen))
