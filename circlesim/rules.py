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

from .market import Market, circular_distance
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
    "allocate_attention",
    "tie_attention",
    "organiser_replies",
    "read_share",
    "content_relevance",
    "restore_after_answer",
    "answer_tone",
    "NEUTRAL_TONE",
]

#: Tone of a post that is neither negative nor positive (tone scale 0 negative .. 1 positive).
NEUTRAL_TONE = 0.5


def relevance(a: np.ndarray, b: np.ndarray | float, width: float) -> np.ndarray:
    """Topic relevance ``exp(-d^2 / (2 w^2))`` of a post with topic ``b`` to a reader ``a``."""
    d = circular_distance(a, b)
    return np.exp(-0.5 * (d / width) ** 2)


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
    read_share: float = 1.0,
) -> ReadResult:
    """Step 3 — neighbours read posts and reply (S1 "two-way interactive communication";
    S2 §1 multi-directional interaction).

    A visiting neighbour ``r`` of source ``s`` sees all of ``s``'s items today (posts, an open
    complaint, an answered complaint) and replies to each *post* with probability
    ``min(1, rho e_r rel(x_r, x_s))``; replies to ``s`` are ``Binomial(posts_s, that)``.
    Organiser posts reach ``organiser_readers`` (tied members, or all with broadcast) with tone
    ``campaign_tone`` and topic ``niche_center``.

    Information overload (Jones, Ravid & Rafaeli 2004): when the day's messages exceed what a
    member can read, each visiting reader reads a source's items (and each organiser post
    batch) only with probability ``read_share`` (:func:`read_share`); unread items are neither
    seen nor replied to. With ``read_share = 1`` no extra random number is drawn.

    Parameters
    ----------
    source_rows, source_posts, source_items, source_tone_sum : ndarray
        Rows with something to show; their member posts; all visible items; tone sum of items.
    reader_of_source, neighbour : ndarray
        Tie pairs (position in ``source_rows``, neighbour row), alive neighbours only.
    organiser_readers : bool ndarray
        Members who see organiser posts today.
    read_share : float
        Share of the day's messages a member reads (1 = everything).

    Returns
    -------
    ReadResult
    """
    seen = np.zeros(n_rows)
    tone_sum = np.zeros(n_rows)
    replies_made = np.zeros(n_rows, dtype=np.int64)
    replies_received = np.zeros(n_rows, dtype=np.int64)

    reading = visited[neighbour]
    if read_share < 1.0:
        reading &= rng.random(neighbour.size) < read_share
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
        if read_share < 1.0 and org_readers.size:
            org_readers = org_readers[rng.random(org_readers.size) < read_share]
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
def recruit(exposed: np.ndarray, by: np.ndarray, status: np.ndarray, match: np.ndarray,
            join_probability: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 7 — an exposed outsider joins with probability ``j * match(x)`` (S1 §3,
    precision: "directed demand, interpersonal trust"; S1 §4, "one to ten, ten to a hundred").

    Every exposure is an independent chance; a person reached several times joins if any
    succeeds, and is credited to one successful sharer chosen at random.

    Parameters
    ----------
    exposed, by : ndarray
        Exposure targets (market ids) and the position of the sharer behind each.
    status : int ndarray over the market
        0 for people who were never members (only they may join), else 1 or 2.
    match : float ndarray over the market
        Interest match with the niche (all ones when interest gating is off).

    Returns
    -------
    joiners : ndarray
        Distinct market ids of the people who decided to join.
    recruiter_pos : ndarray
        For each joiner, the position of its recruiter among the sharers.
    """
    if exposed.size == 0:
        return exposed, by
    ok = status[exposed] == 0
    exposed, by = exposed[ok], by[ok]
    success = rng.random(exposed.size) < join_probability * match[exposed]
    exposed, by = exposed[success], by[success]
    if exposed.size == 0:
        return exposed, by
    shuffle = rng.permutation(exposed.size)
    people, first = first_occurrence(exposed[shuffle])
    return people, by[shuffle][first]


# ---------------------------------------------------------------- 8. leaving
def draw_leavers(engagement: np.ndarray, alive: np.ndarray, complaint_waiting: np.ndarray,
                 days_since_visit: np.ndarray, *, leave_rate: float, complaint_leave_risk: float,
                 inactive_days: int, rng: np.random.Generator,
                 read_share: float = 1.0, overload_leave_risk: float = 0.0,
                 relevance: np.ndarray | float = 1.0,
                 irrelevance_leave_risk: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Step 8 — members leave as engagement falls, under overload and when little of the
    group's content is relevant to them; long-absent members count as gone.

    With ``r`` the share of the day's messages a member can read (:func:`read_share`) and
    ``R`` the relevance of the group's recent content to the member
    (:func:`content_relevance`)::

        P(leave) = 1 - (1 - l (1 - e)^2)            # disengagement
                     * (1 - c [complaint unanswered])  # S1 advantage three
                     * (1 - o (1 - r))                # information overload
                     * (1 - f (1 - R))                # irrelevant content (topic breadth)

    ``l`` = ``leave_rate``, ``c`` = ``complaint_leave_risk``, ``o`` = ``overload_leave_risk``,
    ``f`` = ``irrelevance_leave_risk``. A member absent ``inactive_days`` or more is gone.

    References
    ----------
    Jones, Ravid & Rafaeli (2004), Information Systems Research 15(2): 194-210 — users are
    more likely to end active participation as the overload of mass interaction grows.
    Ren, Kraut & Kiesler (2012), MIS Quarterly 36(3); Ren & Kraut (2014), Human-Computer
    Interaction 29(4) — a broad topic spread lowers the relevance of what members read and
    their commitment. Butler (2001), Information Systems Research 12(4) — size brings both
    resources and communication costs.

    Returns
    -------
    left, inactive : bool ndarrays
    """
    p = 1.0 - (1.0 - leave_rate * (1.0 - engagement) ** 2) * (
        1.0 - complaint_leave_risk * complaint_waiting)
    if overload_leave_risk > 0 and read_share < 1.0:
        p = 1.0 - (1.0 - p) * (1.0 - overload_leave_risk * (1.0 - read_share))
    if irrelevance_leave_risk > 0:
        p = 1.0 - (1.0 - p) * (1.0 - irrelevance_leave_risk
                               * (1.0 - np.clip(relevance, 0.0, 1.0)))
    left = alive & (rng.random(engagement.shape[0]) < p)
    if inactive_days > 0:
        inactive = alive & ~left & (days_since_visit >= inactive_days)
    else:
        inactive = np.zeros_like(left)
    return left, inactive


# ---------------------------------------------------------------- overload and topic breadth
def read_share(volume: float, capacity: float) -> float:
    """Share of the day's messages a member reads: ``r = min(1, K / V)``.

    ``V`` is the day's message volume in the group (posts and replies; a group chat shows every
    message to every member), ``K`` = ``reading_capacity`` the messages a member can read in a
    day (``K <= 0``: unlimited, ``r = 1``).

    References
    ----------
    Jones, Ravid & Rafaeli (2004), Information Systems Research 15(2): 194-210 — members cope
    with overload by reading (and answering) fewer messages. Ren & Kraut (2014), Human-Computer
    Interaction 29(4): the benefit of reading saturates beyond about 40 messages a day (after
    Liang et al. 2007, where 20 -> 40 items overloaded readers).
    """
    if capacity <= 0 or volume <= capacity:
        return 1.0
    return float(capacity) / float(volume)


def content_relevance(interest: np.ndarray, topics: np.ndarray, weights: np.ndarray,
                      width: float) -> np.ndarray:
    """Mean relevance of the group's recent content to each member (topic breadth).

    ``R_i = sum_b w_b rel(x_i, t_b) / sum_b w_b`` with ``rel`` the Gaussian topic relevance
    (:func:`relevance`, width ``relevance_width``), ``t_b`` the topics of recent posts (binned)
    and ``w_b`` how many posts had that topic. A group whose members' interests spread widely
    posts on many topics, so each member finds a smaller share of it relevant
    (fragmentation). With no content, ``R = 1``.

    References
    ----------
    Ren, Kraut & Kiesler (2012), MIS Quarterly 36(3): 841-864; Ren & Kraut (2014),
    Human-Computer Interaction 29(4): 351-389 — topical breadth lowers the share of messages
    that match a member's interest (the signal-to-noise ratio of reading) and commitment.
    """
    total = float(np.sum(weights))
    if total <= 0 or interest.size == 0:
        return np.ones(interest.shape[0])
    used = np.flatnonzero(weights > 0)
    rel = relevance(interest[:, None], topics[used][None, :], width)
    return rel @ (weights[used] / total)


# ---------------------------------------------------------------- the organiser's attention
def allocate_attention(budget: float, demands: np.ndarray, unit_hours: np.ndarray
                       ) -> tuple[np.ndarray, float]:
    """Share one daily attention budget among the organiser's tasks, in priority order.

    Task ``k`` wants ``D_k`` units of ``h_k`` hours each; it is granted
    ``G_k = min(D_k, floor(B_k / h_k))`` units, where ``B_k`` is the budget left after the
    tasks before it (``B_0`` = ``organiser_hours``). The model's order is posts, complaint
    answers, invitations; the hours left go to tied members (:func:`tie_attention`).

    References
    ----------
    Miritello et al. (2013), Social Networks 35(1): 89-95 — communication time is a limited
    resource, so people with more ties give each less time. Kraut & Resnick (2012), *Building
    Successful Online Communities*, MIT Press — moderating and welcoming take managers' time.

    Returns
    -------
    granted : int ndarray
        Units granted per task.
    left : float
        Hours left after all tasks.
    """
    left = float(budget)
    granted = np.zeros(len(demands), dtype=np.int64)
    for k, (want, hours) in enumerate(zip(demands, unit_hours)):
        want = int(max(want, 0))
        if hours <= 0:
            granted[k] = want
            continue
        g = min(want, int(np.floor(left / hours + 1e-9)))
        granted[k] = g
        left -= g * hours
    return granted, max(left, 0.0)


def tie_attention(hours_left: float, tied: int, hours_per_tie: float) -> tuple[float, float]:
    """Attention the organiser gives each tied member: ``a = min(1, H / (T h))``.

    ``H`` hours are left after posts, answers and invitations (:func:`allocate_attention`),
    ``T`` members are tied to the organiser and each needs ``h`` = ``hours_per_tie`` hours a
    day to be attended in full (read, welcomed, answered). On a day a tied member is attended
    with probability ``a``: it then sees the organiser's posts and may get the organiser's
    replies; the hours used are ``min(H, T h)``. More ties means less attention for each: a
    star organiser spreads itself thin (Miritello et al. 2013; Gonçalves, Perra & Vespignani
    2011, PLoS ONE 6(8): e22656 — interaction per tie falls once people keep more than about
    100-200 ties, Dunbar's number).

    Returns
    -------
    share : float
        ``a`` in [0, 1] (1 with no tied members).
    hours : float
        Hours spent on tied members today.
    """
    if tied <= 0:
        return 1.0, 0.0
    need = tied * hours_per_tie
    if need <= 0:
        return 1.0, 0.0
    used = min(max(hours_left, 0.0), need)
    return used / need, used


def organiser_replies(posts: np.ndarray, attended: np.ndarray, reply_probability: float,
                      rng: np.random.Generator) -> np.ndarray:
    """Replies the organiser writes to the posts of the tied members it attends today.

    Each post of an attended member gets a reply with probability ``rho`` (an engaged,
    always-interested reader: ``rho e rel`` with ``e = rel = 1``): replies ``~ Binomial(posts,
    rho)``. The replies count as replies received (reply reward, newcomers' first posts;
    Joyce & Kraut 2006).

    Returns
    -------
    int ndarray
        Organiser replies received per member row.
    """
    out = np.zeros(posts.shape[0], dtype=np.int64)
    rows = np.flatnonzero(attended & (posts > 0))
    if rows.size and reply_probability > 0:
        out[rows] = rng.binomial(posts[rows], min(1.0, reply_probability))
    return out


# ---------------------------------------------------------------- complaints answered
def restore_after_answer(engagement: np.ndarray, before: np.ndarray, lift: float,
                         paradox: float = 0.0) -> np.ndarray:
    """Engagement of complainers whose complaint was answered.

    ``e' = e + lift (e0 - e)^+ + pi (1 - e0)``, clipped to [0, 1], where ``e0`` is the
    engagement just before the problem and ``pi`` = ``recovery_paradox``. With ``pi = 0`` (the
    default) an answer restores at most the pre-problem state: ``e' <= max(e, e0)``, so a
    problem never leaves a member better off than no problem. ``pi > 0`` turns on a "service
    recovery paradox": the answered complainer ends above its pre-problem engagement.

    References
    ----------
    de Matos, Henrique & Rossi (2007), Journal of Service Research 10(1): 60-77 — meta-analysis:
    the recovery paradox raises satisfaction but not repurchase intention, word of mouth or
    image; it is weak and conditional. Hence ``pi`` defaults to 0.
    """
    e = np.asarray(engagement, dtype=float)
    gap = np.maximum(np.asarray(before, dtype=float) - e, 0.0)
    out = e + lift * gap + paradox * (1.0 - np.asarray(before, dtype=float))
    return np.clip(out, 0.0, 1.0)


def answer_tone(delay: np.ndarray, signal: float) -> np.ndarray:
    """Tone of an answered complaint as onlookers read it the next day.

    ``tone = 0.5 + s / (1 + delay)``: neutral (0.5, :data:`NEUTRAL_TONE`) plus a modest
    positive signal ``s`` = ``answer_signal`` for a visible answer, halved when it came a day
    late and smaller the longer the complaint waited (a fast answer is the better signal).

    References
    ----------
    van Noort & Willemsen (2012), Journal of Interactive Marketing 26(3): 131-140 — webcare
    answers to complaints improve onlookers' brand evaluations, modestly. Before this rule an
    answer read as a maximally positive post (tone 1), so more problems grew the group.
    """
    return NEUTRAL_TONE + signal / (1.0 + np.maximum(np.asarray(delay, dtype=float), 0.0))


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
