"""The rules of a day, one function per mechanism, compiled loops over the member arrays.

Each function takes arrays, parameter values and a random stream ``rs`` (a one-``uint64``
state owned by the model, see ``kernels.py``) and returns new arrays or counts; none touches
the model. Where a rule changes member state in place (a complaint opened, a complaint
answered) its docstring says so under **Updates**. ``CommunityModel.step`` (model.py) calls them
in the order of docs/odd.md §3 and does the bookkeeping. The docstrings name the source claim
each rule models (``S1``: "community marketing meaning"; ``S2``: "social marketing
characteristics", quoted in docs/odd.md §1) and its equation. Probabilities that combine several
independent chances use ``1 - (1 - p)^k``; engagement ``e`` is always kept in [0, 1].

The functions are compiled with numba (``@njit(cache=True)``): written as plain loops, one pass
over the members each, so a day of a small group costs microseconds, not a thousand numpy calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .kernels import (EXPOSED, FORMER, MEMBER, argsort_stable, binomial, binomial_small,
                      gaussian_match, helper, normal, poisson, power, sorted_copy, table_or,
                      uniform)
from .market import Audience, interest_match, lazy_friend, lazy_friend_count, lazy_interest

__all__ = [
    "draw_problems",
    "draw_visits",
    "draw_member_posts",
    "organiser_posting",
    "read_and_reply",
    "ReadResult",
    "update_engagement",
    "engagement_after",
    "answer_complaints",
    "organiser_answers",
    "answer_lift",
    "draw_sharers",
    "spread_shares",
    "paid_exposures",
    "recruit",
    "admit_up_to_cap",
    "new_member_draws",
    "draw_leavers",
    "leave_probability",
    "allocate_attention",
    "tie_attention",
    "organiser_replies",
    "read_share",
    "content_relevance",
    "restore_after_answer",
    "answer_tone",
    "NEUTRAL_TONE",
    "select_pruned",
    "draw_invitations",
    "accept_invitations",
    "pick_homophilous_ties",
    "choose_founders",
    "relevance",
    "daily_spend",
    "media_adoption",
]

#: Topic relevance ``exp(-d^2 / (2 w^2))`` of a post with topic ``b`` to a reader ``a``: the
#: same Gaussian as a person's interest match with the niche (one function, two names;
#: compiled code calls :func:`circlesim.kernels.gaussian_match`).
relevance = interest_match

#: Tone of a post that is neither negative nor positive (tone scale 0 negative .. 1 positive).
NEUTRAL_TONE = 0.5


# ---------------------------------------------------------------- 1. problems
@njit(cache=True)
def draw_problems(alive, complaint_open, complaint_since, complaint_baseline, engagement, n, t,
                  probability, rs):
    """Step 1 — members hit a product or service problem and post a complaint.

    S1 advantage three ("when the user product or service project has a problem").
    Each alive member without an open complaint opens one with probability ``p``
    (``problem_probability``): ``new = U < p``.

    Updates
    -------
    complaint_open, complaint_since, complaint_baseline : the new complaints, opened on day
        ``t``, and the complainer's engagement just before.

    Returns
    -------
    int
        Complaints opened today.
    """
    new = 0
    if probability <= 0:
        return 0
    for i in range(n):
        if alive[i] and not complaint_open[i] and uniform(rs) < probability:
            complaint_open[i] = True
            complaint_since[i] = t
            complaint_baseline[i] = engagement[i]
            new += 1
    return new


# ---------------------------------------------------------------- 2. posting
@njit(cache=True)
def draw_visits(engagement, alive, n, floor, rs):
    """Step 2a — who opens the group today.

    ``P(visit) = f + (1 - f) e``: engaged members come back; disengaged ones drift away
    (long absence later counts as gone, step 8).

    Returns
    -------
    bool ndarray, shape (n,)
    """
    visited = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if alive[i]:
            visited[i] = uniform(rs) < floor + (1.0 - floor) * engagement[i]
    return visited


@njit(cache=True)
def draw_member_posts(activity, engagement, visited, n, post_rate, rs):
    """Step 2b — members post (S2 §1, multi-directional interaction: members "release
    information themselves").

    Posts per visit ``~ Poisson(r a e)``: rising with activity propensity ``a`` (log-normal
    across members, which gives participation inequality, Nielsen's 90-9-1) and engagement
    ``e``.

    Returns
    -------
    int ndarray, shape (n,)
        Posts per member today (0 for members who did not visit).
    """
    posts = np.zeros(n, dtype=np.int64)
    if post_rate <= 0:
        return posts
    for i in range(n):
        if visited[i]:
            posts[i] = poisson(rs, post_rate * activity[i] * engagement[i])
    return posts


@njit(cache=True)
def organiser_posting(posts_per_day, rs):
    """Step 2c — the organiser's posts today: the whole part of ``organiser_posts``, plus one
    more with probability equal to its fractional part (so the mean is exact)."""
    whole = math.floor(posts_per_day)
    return int(whole) + (1 if uniform(rs) < posts_per_day - whole else 0)


# ---------------------------------------------------------------- 3. reading, replying
@dataclass
class ReadResult:
    """What members saw and did while reading (arrays over member rows): the five results of
    :func:`read_and_reply`, by name (``ReadResult(*read_and_reply(...))``)."""

    seen: np.ndarray              # posts seen
    tone_sum: np.ndarray          # sum of tones of the posts seen
    replies_made: np.ndarray      # replies written
    replies_received: np.ndarray  # replies received on own posts
    organiser_replies_received: int


@njit(cache=True)
def read_and_reply(n, posts, complaint_open, resolved_tone, alive, attended, broadcast, ties,
                   tie_count, visited, engagement, interest, organiser_posts, campaign_tone,
                   niche_center, reply_probability, relevance_width, interaction, read_share, rs):
    """Step 3 — neighbours read posts and reply (S1 "two-way interactive communication";
    S2 §1 multi-directional interaction).

    A visiting neighbour ``r`` of member ``s`` sees all of ``s``'s items today: its posts
    (tone ``e_s`` each), its open complaint (tone 0) and a complaint answered yesterday
    (tone :func:`answer_tone`). It replies to each *post* with probability ``min(1, rho e_r rel(x_r, x_s))``,
    ``rel`` the Gaussian relevance of width ``relevance_width``; replies to ``s`` are
    ``Binomial(posts_s, that)``. Organiser posts reach visiting members the organiser attends
    today (``attended``; all with ``broadcast``) with tone ``campaign_tone`` and topic
    ``niche_center``. With ``interaction`` off, complaints and answers are not seen (members do
    not post either). Information overload (Jones, Ravid & Rafaeli 2004): each reader reads a
    source's items (and the organiser's batch) only with probability ``read_share``
    (:func:`read_share`); unread items are neither seen nor replied to, and with
    ``read_share = 1`` no extra random number is drawn.

    Parameters
    ----------
    n : int
        Member rows in use; ``posts``, ``visited``, ``attended`` and the state arrays are over
        rows.
    ties, tie_count : int ndarrays
        Padded adjacency (``ties[row, slot]``, -1 empty) and used slots per row.
    rs : uint64 ndarray
        The random stream (:func:`circlesim.kernels.seed_state`).

    Returns
    -------
    seen, tone_sum : float ndarrays
        Items seen and the sum of their tones, per reader row.
    replies_made, replies_received : int ndarrays
        Replies written and received, per row.
    organiser_replies_received : int
        Replies to the organiser's posts. (:class:`ReadResult` names the five.)
    """
    seen = np.zeros(n, dtype=np.float64)
    tone_sum = np.zeros(n, dtype=np.float64)
    replies_made = np.zeros(n, dtype=np.int64)
    replies_received = np.zeros(n, dtype=np.int64)
    for s in range(n):
        complaint = interaction and complaint_open[s] and alive[s]
        answered = interaction and resolved_tone[s] > 0
        items = posts[s] + (1 if complaint else 0) + (1 if answered else 0)
        if items == 0:
            continue
        tone = posts[s] * engagement[s] + (resolved_tone[s] if answered else 0.0)
        for slot in range(tie_count[s]):
            r = ties[s, slot]
            if r < 0 or not alive[r] or not visited[r]:
                continue
            if read_share < 1.0 and uniform(rs) >= read_share:
                continue  # overload: this source's messages went unread
            seen[r] += items
            tone_sum[r] += tone
            if posts[s] > 0 and reply_probability > 0:
                p = min(1.0, reply_probability * engagement[r]
                        * gaussian_match(interest[r], interest[s], relevance_width))
                k = binomial_small(rs, posts[s], p)
                replies_made[r] += k
                replies_received[s] += k
    organiser_received = 0
    if organiser_posts > 0:
        for r in range(n):
            if alive[r] and visited[r] and (attended[r] or broadcast):
                if read_share < 1.0 and uniform(rs) >= read_share:
                    continue
                seen[r] += organiser_posts
                tone_sum[r] += organiser_posts * campaign_tone
                if reply_probability > 0:
                    p = min(1.0, reply_probability * engagement[r]
                            * gaussian_match(interest[r], niche_center, relevance_width))
                    k = binomial_small(rs, organiser_posts, p)
                    replies_made[r] += k
                    organiser_received += k
    return seen, tone_sum, replies_made, replies_received, organiser_received


# ---------------------------------------------------------------- 4. emotional contagion
@njit(cache=True)
def engagement_after(e, seen, tone_sum, replies_received, newcomer, contagion, reply_reward,
                     decay):
    """One member's engagement after today (see :func:`update_engagement`)."""
    if contagion > 0 and seen != 0:
        e += (1.0 - (1.0 - contagion) ** seen) * (tone_sum / seen - e)
    if reply_reward > 0 and replies_received != 0:
        rr = min(1.0, reply_reward * (2.0 if newcomer else 1.0))
        # (a whole count: multiplied out as numba compiles ``float ** int``, kernels.power)
        e += (1.0 - power(1.0 - rr, replies_received)) * (1.0 - e)
    e *= 1.0 - decay
    return min(max(e, 0.0), 1.0)


@njit(cache=True)
def update_engagement(engagement, seen, tone_sum, replies_received, newcomer, contagion,
                      reply_reward, decay):
    """Step 4 — emotional contagion, reply reward and decay (S2 §3, emotional marketing:
    "people are infected").

    With ``n`` posts seen of mean tone ``tau``, ``k`` replies received and newcomer factor
    ``m`` (2 for newcomers, else 1)::

        e' = e + (1 - (1 - c)^n) (tau - e)           # contagion, small per exposure
        e' = e' + (1 - (1 - min(1, m rr))^k) (1 - e')  # a reply received lifts the poster
        e' = (1 - d) e'                               # daily decay

    Kramer et al. (2014) found the per-exposure effect small (d about 0.02): ``c`` defaults
    to 0.02.

    Returns
    -------
    ndarray
        The new engagement of every row (a new array).
    """
    e = engagement.copy()
    for i in range(e.shape[0]):
        e[i] = engagement_after(e[i], seen[i], tone_sum[i], replies_received[i], newcomer[i],
                                contagion, reply_reward, decay)
    return e


# ---------------------------------------------------------------- 5. complaints
@njit(cache=True)
def organiser_answers(open_since, today, capacity, delay):
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
    if capacity <= 0 or open_since.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    ready = np.empty(open_since.shape[0], dtype=np.int64)
    k = 0
    for q in range(open_since.shape[0]):
        if today - open_since[q] >= delay:
            ready[k] = q
            k += 1
    if k <= capacity:
        return ready[:k]
    since = np.empty(k, dtype=np.float64)
    for q in range(k):
        since[q] = open_since[ready[q]]
    oldest = argsort_stable(since)  # oldest first, earlier rows first among equals
    out = np.empty(capacity, dtype=np.int64)
    for q in range(capacity):
        out[q] = ready[oldest[q]]
    return out


@njit(cache=True)
def answer_lift(e, before, lift, paradox):
    """Step 5c — an answered complainer's engagement (:func:`restore_after_answer`):
    ``e' = clip(e + lift (e0 - e)^+ + pi (1 - e0), 0, 1)``, ``e0`` the engagement before the
    problem, ``pi`` = ``recovery_paradox``."""
    return min(max(e + lift * max(before - e, 0.0) + paradox * (1.0 - before), 0.0), 1.0)


@njit(cache=True)
def answer_complaints(n, t, alive, complaint_open, complaint_since, complaint_baseline,
                      engagement, visited, ties, tie_count, interaction, member_help,
                      organiser_active, capacity, delay, lift, paradox, signal, resolved_tone,
                      answers_by, rs):
    """Step 5 — open complaints are answered: first by members, then by the organiser.

    5a (S2 §4, self-running; S1 advantage three: "a short period of time through the community
    to solve"): each visiting neighbour ``h`` of an open complaint answers it with probability
    ``beta e_h`` (``beta`` = ``member_help``); the complaint is solved when at least one does,
    i.e. with probability ``1 - prod_h (1 - beta e_h)``. 5b: :func:`organiser_answers` for
    the rest. 5c: :func:`answer_lift` for every answered complainer.

    Updates
    -------
    complaint_open, engagement : answered complaints close and lift their complainer.
    resolved_tone : reset, then :func:`answer_tone` of the complaints answered today (read
        tomorrow, step 3).
    answers_by : +1 for every member answer, at the answering member's row.

    Returns
    -------
    (answered, by members, by the organiser, sum of the answered complaints' ages)
    """
    for i in range(resolved_tone.shape[0]):
        resolved_tone[i] = 0.0
    open_rows = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if complaint_open[i] and alive[i]:
            open_rows[m] = i
            m += 1
    open_rows = open_rows[:m]
    solved = np.zeros(m, dtype=np.bool_)
    if interaction and member_help > 0:
        for q in range(m):
            c = open_rows[q]
            for slot in range(tie_count[c]):
                h = ties[c, slot]
                if h < 0 or not alive[h] or not visited[h]:
                    continue
                if uniform(rs) < member_help * engagement[h]:
                    solved[q] = True
                    answers_by[h] += 1
    by_members = 0
    for q in range(m):
        if solved[q]:
            by_members += 1
    by_organiser = 0
    if organiser_active:
        waiting = np.empty(m, dtype=np.int64)
        w = 0
        for q in range(m):
            if not solved[q]:
                waiting[w] = q
                w += 1
        since = np.empty(w, dtype=np.int64)
        for q in range(w):
            since[q] = complaint_since[open_rows[waiting[q]]]
        picked = organiser_answers(since, t, capacity, delay)
        by_organiser = picked.shape[0]
        for q in picked:
            solved[waiting[q]] = True
    delays = 0
    for q in range(m):
        if solved[q]:
            c = open_rows[q]
            complaint_open[c] = False
            engagement[c] = answer_lift(engagement[c], complaint_baseline[c], lift, paradox)
            resolved_tone[c] = NEUTRAL_TONE + signal / (1.0 + max(t - complaint_since[c], 0))
            delays += t - complaint_since[c]
    return by_members + by_organiser, by_members, by_organiser, delays


# ---------------------------------------------------------------- 6. sharing outside
@njit(cache=True)
def draw_sharers(engagement, visited, alive, shared_once, n, share_probability, share_once, rs):
    """Step 6a — members share a post to their outside friends (S2 §1: members "spread share
    information"; S2 §3: infected members grow the group).

    ``P(share) = min(1, s 2e)`` for visiting members: equal to ``s`` at engagement 0.5 and
    rising with engagement. With ``share_once`` (the independent-cascade setting) every member
    shares exactly once, on its first day after joining (**updates** ``shared_once``).

    Returns
    -------
    int ndarray
        Rows of today's sharers, ascending.
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if share_once:
            if alive[i] and not shared_once[i]:
                shared_once[i] = True
                out[k] = i
                k += 1
        elif visited[i] and uniform(rs) < min(1.0, share_probability * 2.0 * engagement[i]):
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True)
def spread_shares(sharer_people, lazy, seed, size, friends_mean, homophily, scale, indptr,
                  indices, reach_probability, rs):
    """Step 6b — a share reaches each of the sharer's outside friends independently with
    probability ``q`` = ``reach_probability`` (S2 advantage one: "500 people in the group and
    100 people in a person's circle of friends ... how much exposure").

    Exposures are ``sum_i Binomial(k_i, q)``; with ``q = 1`` exactly ``sum_i k_i``. Friends of
    different sharers overlap (homophily), so unique reach is less. The entries reached are
    found by geometric skips (gap ``floor(log U / log(1 - q))``), so a share costs ``q k``, not
    ``k``: a lazy market draws only those entries of the friend list (``market.lazy_friend``);
    a loaded one reads them from its CSR rows.

    Returns
    -------
    exposed : ndarray
        Market people reached, one entry per exposure.
    by : ndarray
        For each exposure, its sharer's position in ``sharer_people``.
    """
    if reach_probability <= 0.0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    log_miss = math.log1p(-reach_probability) if reach_probability < 1.0 else 0.0
    cap = 16
    exposed = np.empty(cap, dtype=np.int64)
    by = np.empty(cap, dtype=np.int64)
    m = 0
    for q in range(sharer_people.shape[0]):
        p = sharer_people[q]
        k = lazy_friend_count(seed, friends_mean, p) if lazy else indptr[p + 1] - indptr[p]
        slot = -1
        while True:
            if reach_probability >= 1.0:
                slot += 1
            else:
                slot += 1 + int(math.floor(math.log(1.0 - uniform(rs)) / log_miss))
            if slot >= k:
                break
            j = lazy_friend(seed, size, homophily, scale, p, slot) if lazy \
                else indices[indptr[p] + slot]
            if j < 0:
                continue
            if m == cap:
                cap *= 2
                exposed = _grown(exposed, cap)
                by = _grown(by, cap)
            exposed[m] = j
            by[m] = q
            m += 1
    return exposed[:m], by[:m]


@njit(cache=True)
def _grown(a, cap):
    b = np.empty(cap, dtype=np.int64)
    for i in range(a.shape[0]):
        b[i] = a[i]
    return b


@njit(cache=True)
def paid_exposures(budget, cost, lo, hi, ids, rs):
    """Step 6c — paid seeding: ``budget / cost`` exposures a day (the fractional part as a
    coin flip), each on a person drawn uniformly from the niche audience (id ranges
    ``[lo, hi)`` of a lazy market, or the ids of a loaded one).

    Returns
    -------
    ndarray
        Market people reached by paid exposures.
    """
    budgeted = budget / cost
    count = int(math.floor(budgeted))
    if uniform(rs) < budgeted - count:
        count += 1
    out = np.empty(count, dtype=np.int64)
    if ids.shape[0] > 0:
        for q in range(count):
            out[q] = ids[min(int(uniform(rs) * ids.shape[0]), ids.shape[0] - 1)]
        return out
    ends = np.empty(lo.shape[0], dtype=np.int64)  # cumulative sizes of the id ranges
    total = 0
    for w in range(lo.shape[0]):
        total += hi[w] - lo[w]
        ends[w] = total
    for q in range(count):
        x = min(int(uniform(rs) * total), total - 1)
        w = 0
        while ends[w] <= x:  # the range holding position x
            w += 1
        out[q] = lo[w] + x - (ends[w] - (hi[w] - lo[w]))
    return out


# ---------------------------------------------------------------- 7. recruiting
@njit(cache=True)
def recruit(exposed, by, slots, count, lazy, seed, size, topics, spread, centre, interest,
            gating, niche_center, niche_width, join_probability, rs):
    """Step 7 — an exposed outsider joins with probability ``j * match(x)`` (S1 §3,
    precision: "directed demand, interpersonal trust"; S1 §4, "one to ten, ten to a hundred").

    Every exposure is an independent chance; only people who were never members may join; a
    person reached several times joins if any succeeds, and is credited to one successful
    sharer chosen at random. ``match`` is the Gaussian niche match of the person's interest
    (1 with ``gating`` off).

    Updates
    -------
    slots, count : the table of touched people (``kernels.PeopleTable``): every exposed
        person is marked ``EXPOSED`` (the caller reserved room).

    Returns
    -------
    joiners : ndarray
        Distinct market ids of the people who decided to join, ascending.
    recruiter_pos : ndarray
        For each joiner, the exposure's ``by`` (its recruiter among the sharers).
    fresh : int
        People exposed today for the first time ever (unique reach gained).
    """
    m = exposed.shape[0]
    hit_person = np.empty(m, dtype=np.int64)
    hit_by = np.empty(m, dtype=np.int64)
    h = 0
    fresh = 0
    for q in range(m):
        person = exposed[q]
        old = table_or(slots, count, person, EXPOSED)
        if (old & EXPOSED) == 0:
            fresh += 1
        if (old & (MEMBER | FORMER)) != 0:
            continue
        u = uniform(rs)
        if u >= join_probability:
            continue  # no join whatever the match (match <= 1): its interest is not needed
        match = 1.0
        if gating:
            x = lazy_interest(seed, size, topics, spread, centre, person) if lazy \
                else interest[person]
            match = gaussian_match(x, niche_center, niche_width)
        if u < join_probability * match:
            hit_person[h] = person
            hit_by[h] = by[q]
            h += 1
    hit_person, hit_by = hit_person[:h], hit_by[:h]
    keys = np.empty(h, dtype=np.float64)
    for q in range(h):
        keys[q] = hit_person[q]
    order = argsort_stable(keys)
    joiners = np.empty(h, dtype=np.int64)
    recruiter = np.empty(h, dtype=np.int64)
    j = 0
    start = 0
    while start < h:
        stop = start + 1
        while stop < h and hit_person[order[stop]] == hit_person[order[start]]:
            stop += 1
        pick = start + min(int(uniform(rs) * (stop - start)), stop - start - 1)
        joiners[j] = hit_person[order[start]]
        recruiter[j] = hit_by[order[pick]]
        j += 1
        start = stop
    return joiners[:j], recruiter[:j], fresh


@njit(cache=True)
def admit_up_to_cap(k, free, rs):
    """The group cap: of ``k`` would-be joiners only ``free`` places remain; a uniformly random
    ``free`` of them get in (a partial Fisher-Yates shuffle), the rest are turned away.

    Returns
    -------
    ndarray
        Positions admitted, ascending.
    """
    idx = np.empty(k, dtype=np.int64)
    for q in range(k):
        idx[q] = q
    if k <= free:
        return idx
    for q in range(free):
        r = q + min(int(uniform(rs) * (k - q)), k - q - 1)
        idx[q], idx[r] = idx[r], idx[q]
    chosen = sorted_copy(idx[:free])  # in row order (exact: rows are far below 2^53)
    out = np.empty(free, dtype=np.int64)
    for q in range(free):
        out[q] = int(chosen[q])
    return out


@njit(cache=True)
def new_member_draws(k, initial_engagement, activity_sigma, centre_strength, rs):
    """A new member's draws: engagement ``e ~ Normal(initial_engagement, 0.1)`` clipped to
    [0.01, 1]; activity ``a ~ LogNormal(0, activity_sigma)``; a tie to the organiser with
    probability ``centre_strength``.

    Returns
    -------
    engagement, activity, organiser_tie : ndarrays of length ``k``
    """
    e = np.empty(k, dtype=np.float64)
    a = np.empty(k, dtype=np.float64)
    tie = np.empty(k, dtype=np.bool_)
    for q in range(k):
        e[q] = min(max(normal(rs, initial_engagement, 0.1), 0.01), 1.0)
        a[q] = math.exp(normal(rs, 0.0, activity_sigma))
        tie[q] = uniform(rs) < centre_strength
    return e, a, tie


# ---------------------------------------------------------------- 8. leaving
@njit(cache=True)
def leave_probability(e, complaint_waiting, read_share, relevance, leave_rate,
                      complaint_leave_risk, overload_leave_risk, irrelevance_leave_risk):
    """Step 8 — the daily chance of leaving, with ``r`` the share of the day's messages a
    member can read (:func:`read_share`) and ``R`` the relevance of recent content to it
    (:func:`content_relevance`)::

        P(leave) = 1 - (1 - l (1 - e)^2)            # disengagement
                     * (1 - c [complaint unanswered])  # S1 advantage three
                     * (1 - o (1 - r))                # information overload
                     * (1 - f (1 - R))                # irrelevant content (topic breadth)

    ``l`` = ``leave_rate``, ``c`` = ``complaint_leave_risk``, ``o`` = ``overload_leave_risk``,
    ``f`` = ``irrelevance_leave_risk`` (references at :func:`draw_leavers`)."""
    d = 1.0 - e  # (squared by multiplying, as numba compiles ``** 2``: see kernels.power)
    p = 1.0 - (1.0 - leave_rate * (d * d)) * (
        1.0 - complaint_leave_risk * complaint_waiting)
    if overload_leave_risk > 0 and read_share < 1.0:
        p = 1.0 - (1.0 - p) * (1.0 - overload_leave_risk * (1.0 - read_share))
    if irrelevance_leave_risk > 0:
        p = 1.0 - (1.0 - p) * (1.0 - irrelevance_leave_risk
                               * (1.0 - min(max(relevance, 0.0), 1.0)))
    return p


@njit(cache=True)
def draw_attended(organiser_tie, alive, n, attention, rs):
    """Tied members the organiser attends today: each with probability ``attention``
    (:func:`tie_attention`); all of them at full attention."""
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if organiser_tie[i] and alive[i]:
            out[i] = attention >= 1.0 or uniform(rs) < attention
    return out


@njit(cache=True)
def organiser_replies_members(posts, attended, n, reply_probability, replies_received, rs):
    """:func:`organiser_replies` over member rows: ``Binomial(posts, rho)`` replies to each
    attended poster, added to ``replies_received``. Returns the replies written."""
    total = 0
    if reply_probability <= 0:
        return 0
    for i in range(n):
        if attended[i] and posts[i] > 0:
            k = binomial_small(rs, posts[i], min(1.0, reply_probability))
            replies_received[i] += k
            total += k
    return total


@helper
def _chain_starts(twice, bins, half):
    """For each bin ``j``: the highest ``m <= half`` with ``twice[j + m] > 0`` (-1 if none),
    and the highest ``1 <= m < half`` with ``twice[j - m + bins] > 0`` (0 if none), for
    :func:`member_relevance`'s two Horner chains. One pass each way over ``twice`` (the
    weights laid out twice): the nearest bin with posts at or below, and at or above, each
    position."""
    up_from = np.empty(bins, dtype=np.int64)
    down_from = np.empty(bins, dtype=np.int64)
    last = -1  # the last bin with posts at or below position i
    for i in range(2 * bins):
        if twice[i] > 0:
            last = i
        j = i - half
        if 0 <= j < bins:
            up_from[j] = last - j if last >= j else -1
    nxt = 2 * bins  # the first bin with posts at or above position i
    for i in range(2 * bins - 1, -1, -1):
        if twice[i] > 0:
            nxt = i
        j = i + half - 1 - bins
        if 0 <= j < bins:
            down_from[j] = j + bins - nxt if nxt <= j - 1 + bins else 0
    return up_from, down_from


@njit(cache=True)
def member_relevance(interest, alive, n, topic_weights, organiser_weight, niche_center, width,
                     scale, ratio, organiser_match):
    """:func:`content_relevance` for every current member's row (the recent posts binned at
    the centres of ``len(topic_weights)`` bins, the organiser's at the niche centre); returns it
    (1 for rows of departed members) and its mean over current members (1 with no content or
    no members).

    The same sum, evaluated without one exponential per member and bin. With ``B`` (even)
    bins of width ``h = 1/B`` centred at ``c_b = (b + 1/2) h``, write a member's interest as
    ``x = c_j + delta`` (``0 <= delta < h``); bin ``j + m`` (mod ``B``) is at circular distance
    ``|m h - delta|`` for ``m = -(B/2 - 1) ... B/2``, and with ``s`` the width::

        exp(-(m h - delta)^2 / (2 s^2)) = A * E^m * Q_m,
        A = exp(-delta^2 / (2 s^2)),  E = exp(h delta / s^2),  Q_m = exp(-m^2 h^2 / (2 s^2))

    so ``sum_b w_b rel(x, c_b) = A (P(E) + P'(1/E))``, two polynomials with coefficients
    ``w_{j+m} Q_m`` evaluated by Horner's rule: two exponentials and ``B`` multiply-adds per
    member instead of ``B`` exponentials. Every term is positive, so it equals the direct sum
    to within 5e-15 absolute and 1e-12 relative wherever the relevance is above 1e-100 (widths
    0.001 to 10, measured); in the far tail of a narrow width, where a ``Q_m`` is a subnormal
    number, only the absolute error holds (relevance ~1e-280 to about 1e-7 relative). A width
    so narrow that ``E^(B/2)`` could overflow falls back to the direct sum.
    ``A``, ``E`` and the relevance of the organiser's posts depend only on the member's interest:
    they are computed once, on the first day a member needs them, into the rows of ``scale``,
    ``ratio`` and ``organiser_match`` (0 = not yet), so a day costs ``B`` multiply-adds a member.
    """
    bins = topic_weights.shape[0]
    total = organiser_weight
    for b in range(bins):
        total += topic_weights[b]
    out = np.empty(n, dtype=np.float64)
    half = bins // 2
    h = 1.0 / bins
    r2 = h / width
    r2 *= r2  # (h / width)^2, multiplied out as numba compiles ``** 2`` (see kernels.power)
    horner = bins % 2 == 0 and half * r2 <= 500.0
    q = np.empty(half + 1, dtype=np.float64)  # Q_m
    for m in range(half + 1):
        q[m] = math.exp(-0.5 * m * m * r2)
    group_start = np.zeros(bins + 1, dtype=np.int64)
    member_bin = np.empty(n, dtype=np.int64)
    alive_count = 0
    for i in range(n):
        out[i] = 1.0
        if not alive[i] or total <= 0:
            continue
        x = interest[i]
        j = int(math.floor((x - 0.5 * h) * bins))
        if ratio[i] == 0.0:  # first need: the member's constant factors (E >= 1 > 0)
            organiser_match[i] = gaussian_match(x, niche_center, width)
            delta = x - (j + 0.5) * h
            scale[i] = math.exp(-0.5 * delta * delta / (width * width))
            ratio[i] = math.exp(h * delta / (width * width))
        member_bin[i] = j % bins
        group_start[j % bins + 1] += 1
        alive_count += 1
    twice = np.empty(2 * bins, dtype=np.float64)  # the weights laid out twice, so that
    for b in range(bins):                          # j + m and j - m + B need no wrapping
        twice[b] = topic_weights[b]
        twice[bins + b] = topic_weights[b]
    # where each bin's two chains start: the highest m with a post in bin j + m (P) or
    # j - m (P'). Every step before it adds 0 to 0 (weights are >= 0, E finite), so the
    # chain may start there with the same result to the last bit; recent posts sit in a few
    # bins in a small group, so most chains are a few steps
    up_from, down_from = _chain_starts(twice, bins, half)
    if total > 0 and horner and alive_count < 4 * bins:
        # a small group: member by member, the coefficients w_{j+m} Q_m as they are needed;
        # four members at a time (four Horner chains in flight instead of one waiting on
        # each multiply-add: the same arithmetic, in the same order, for every member)
        rows = np.empty(alive_count, dtype=np.int64)
        k = 0
        for i in range(n):
            if alive[i]:
                rows[k] = i
                k += 1
        first = 0
        while first + 4 <= alive_count:
            i0, i1, i2, i3 = rows[first], rows[first + 1], rows[first + 2], rows[first + 3]
            j0, j1, j2, j3 = member_bin[i0], member_bin[i1], member_bin[i2], member_bin[i3]
            e0, e1, e2, e3 = ratio[i0], ratio[i1], ratio[i2], ratio[i3]
            f0, f1, f2, f3 = 1.0 / e0, 1.0 / e1, 1.0 / e2, 1.0 / e3
            p0 = p1 = p2 = p3 = 0.0
            start = max(max(up_from[j0], up_from[j1]), max(up_from[j2], up_from[j3]))
            for m in range(start, -1, -1):  # P(E), Horner's rule
                qm = q[m]
                p0 = p0 * e0 + twice[j0 + m] * qm
                p1 = p1 * e1 + twice[j1 + m] * qm
                p2 = p2 * e2 + twice[j2 + m] * qm
                p3 = p3 * e3 + twice[j3 + m] * qm
            d0 = d1 = d2 = d3 = 0.0
            start = max(max(down_from[j0], down_from[j1]), max(down_from[j2], down_from[j3]))
            for m in range(start, 0, -1):   # P'(1/E)
                qm = q[m]
                d0 = (d0 + twice[j0 - m + bins] * qm) * f0
                d1 = (d1 + twice[j1 - m + bins] * qm) * f1
                d2 = (d2 + twice[j2 - m + bins] * qm) * f2
                d3 = (d3 + twice[j3 - m + bins] * qm) * f3
            out[i0] = (organiser_weight * organiser_match[i0] + scale[i0] * (p0 + d0)) / total
            out[i1] = (organiser_weight * organiser_match[i1] + scale[i1] * (p1 + d1)) / total
            out[i2] = (organiser_weight * organiser_match[i2] + scale[i2] * (p2 + d2)) / total
            out[i3] = (organiser_weight * organiser_match[i3] + scale[i3] * (p3 + d3)) / total
            first += 4
        for k in range(first, alive_count):  # the last few, one at a time
            i = rows[k]
            j = member_bin[i]
            e = ratio[i]
            f = 1.0 / e
            p = 0.0
            for m in range(up_from[j], -1, -1):  # P(E), Horner's rule
                p = p * e + twice[j + m] * q[m]
            pd = 0.0
            for m in range(down_from[j], 0, -1):   # P'(1/E)
                pd = (pd + twice[j - m + bins] * q[m]) * f
            out[i] = (organiser_weight * organiser_match[i] + scale[i] * (p + pd)) / total
    elif total > 0 and horner:
        # a large group: members grouped by their bin j (a counting sort), each group's two
        # polynomials evaluated for all its members at once (the inner loops run over
        # members: vectorised); every member's arithmetic is the same, in the same order
        up = np.zeros((bins, half + 1), dtype=np.float64)    # w_{j+m} Q_m, m = 0 ... B/2
        down = np.zeros((bins, half), dtype=np.float64)      # w_{j-m} Q_m, m = 1 ... B/2 - 1
        for j in range(bins):
            if group_start[j + 1] == 0:
                continue
            for m in range(half + 1):
                up[j, m] = twice[j + m] * q[m]
                if 0 < m < half:
                    down[j, m] = twice[j - m + bins] * q[m]
        for j in range(bins):
            group_start[j + 1] += group_start[j]
        order = np.empty(alive_count, dtype=np.int64)
        fill = group_start[:bins].copy()
        for i in range(n):
            if alive[i]:
                order[fill[member_bin[i]]] = i
                fill[member_bin[i]] += 1
        e = np.empty(alive_count, dtype=np.float64)
        f = np.empty(alive_count, dtype=np.float64)
        p = np.empty(alive_count, dtype=np.float64)
        pd = np.zeros(alive_count, dtype=np.float64)
        for j in range(bins):
            lo, hi = group_start[j], group_start[j + 1]
            # views from 0: indices the compiler knows are not negative, so it vectorises
            es, fs, ps, pds = e[lo:hi], f[lo:hi], p[lo:hi], pd[lo:hi]
            for k in range(hi - lo):
                es[k] = ratio[order[lo + k]]
                fs[k] = 1.0 / es[k]
                ps[k] = 0.0
            for m in range(up_from[j], -1, -1):  # P(E), Horner's rule
                c = up[j, m]
                for k in range(hi - lo):
                    ps[k] = ps[k] * es[k] + c
            for m in range(down_from[j], 0, -1):   # P'(1/E)
                c = down[j, m]
                for k in range(hi - lo):
                    pds[k] = (pds[k] + c) * fs[k]
        for k in range(alive_count):
            i = order[k]
            out[i] = (organiser_weight * organiser_match[i] + scale[i] * (p[k] + pd[k])) / total
    elif total > 0:
        for i in range(n):
            if alive[i]:
                acc = organiser_weight * organiser_match[i]
                for b in range(bins):
                    if topic_weights[b] > 0:
                        acc += topic_weights[b] * gaussian_match(interest[i], (b + 0.5) / bins,
                                                                 width)
                out[i] = acc / total
    mean = 0.0
    for i in range(n):
        if alive[i]:
            mean += out[i]
    return out, (mean / alive_count if alive_count > 0 else 1.0)


@njit(cache=True)
def draw_leavers(engagement, alive, complaint_open, last_visit, n, t, leave_rate,
                 complaint_leave_risk, inactive_days, read_share, overload_leave_risk, relevance,
                 irrelevance_leave_risk, rs):
    """Step 8 — members leave as engagement falls, under overload and when little of the
    group's content is relevant to them; long-absent members count as gone.

    With ``r`` the share of the day's messages a member can read (:func:`read_share`) and
    ``R`` the relevance of the group's recent content to the member
    (:func:`content_relevance`), each current member leaves with probability
    (:func:`leave_probability`)::

        P(leave) = 1 - (1 - l (1 - e)^2)            # disengagement
                     * (1 - c [complaint unanswered])  # S1 advantage three
                     * (1 - o (1 - r))                # information overload
                     * (1 - f (1 - R))                # irrelevant content (topic breadth)

    ``l`` = ``leave_rate``, ``c`` = ``complaint_leave_risk``, ``o`` = ``overload_leave_risk``,
    ``f`` = ``irrelevance_leave_risk``: one uniform draw per current member, in row order. A
    member absent ``inactive_days`` or more (and not leaving anyway) is gone (0 = never).

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
    left, inactive : int ndarrays of rows
    """
    left = np.empty(n, dtype=np.int64)
    gone = np.empty(n, dtype=np.int64)
    a = b = 0
    for i in range(n):
        if not alive[i]:
            continue
        p = leave_probability(engagement[i], complaint_open[i], read_share, relevance[i],
                              leave_rate, complaint_leave_risk, overload_leave_risk,
                              irrelevance_leave_risk)
        if uniform(rs) < p:
            left[a] = i
            a += 1
        elif inactive_days > 0 and t - last_visit[i] >= inactive_days:
            gone[b] = i
            b += 1
    return left[:a], gone[:b]


# ---------------------------------------------------------------- 9. interest replacement
@njit(cache=True)
def select_pruned(rows, value, tenure, threshold, fraction, min_tenure, rs):
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
    limit = int(math.floor(fraction * rows.shape[0]))
    cand = np.empty(rows.shape[0], dtype=np.int64)
    k = 0
    for q in range(rows.shape[0]):
        if value[q] < threshold and tenure[q] >= min_tenure:
            cand[k] = q
            k += 1
    if limit <= 0 or k == 0:
        return np.empty(0, dtype=np.int64)
    noise = np.empty(k, dtype=np.float64)
    for q in range(k):
        noise[q] = uniform(rs)
    shuffle = argsort_stable(noise)  # a random order of the candidates
    low = np.empty(k, dtype=np.float64)
    for q in range(k):
        low[q] = value[cand[shuffle[q]]]
    order = argsort_stable(low)  # lowest value first; ties stay in the random order
    take = min(limit, k)
    out = np.empty(take, dtype=np.int64)
    for q in range(take):
        out[q] = rows[cand[shuffle[order[q]]]]
    return out


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


def accept_invitations(invited: np.ndarray, acceptance: float,
                       rng: np.random.Generator) -> np.ndarray:
    """Step 9c — each invited person joins with probability ``invite_acceptance``."""
    return invited[rng.random(invited.size) < acceptance]


# ---------------------------------------------------------------- network growth
@njit(cache=True)
def pick_homophilous_ties(new_interest, pool_rows, pool_interest, ties, exclude, rs):
    """Ties a joiner makes to existing members: the ``ties`` nearest in interest among
    ``4 * ties`` drawn at random with replacement (interest homophily in a small world);
    repeats and the excluded partner (``exclude[q]``: the joiner itself or its recruiter,
    -1 for none) are skipped.

    Returns
    -------
    owner, partner : ndarray
        Position of the joiner (in ``new_interest``) and the partner row, one per tie.
    """
    k = new_interest.shape[0]
    if ties <= 0 or pool_rows.shape[0] == 0 or k == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    draw = min(4 * ties, pool_rows.shape[0])
    take = min(ties, draw)
    owner = np.empty(k * take, dtype=np.int64)
    partner = np.empty(k * take, dtype=np.int64)
    cand = np.empty(draw, dtype=np.int64)
    dist = np.empty(draw, dtype=np.float64)
    m = 0
    for q in range(k):
        for c in range(draw):
            pick = min(int(uniform(rs) * pool_rows.shape[0]), pool_rows.shape[0] - 1)
            cand[c] = pool_rows[pick]
            d = abs(pool_interest[pick] - new_interest[q]) % 1.0
            dist[c] = min(d, 1.0 - d)
        # a few dozen candidates at most (4 * ties): pairwise checks and repeated minima,
        # not sorts (with no allocation; the same choice as a stable sort by distance)
        for c in range(draw):
            if cand[c] == exclude[q]:
                dist[c] = np.inf
                continue
            for earlier in range(c):
                if cand[earlier] == cand[c]:  # a repeat: the first draw stands for it
                    dist[c] = np.inf
                    break
        for _ in range(take):
            best = -1
            for c in range(draw):  # the nearest left; the earliest draw among equals
                if dist[c] != np.inf and (best < 0 or dist[c] < dist[best]):
                    best = c
            if best < 0:
                break
            owner[m] = q
            partner[m] = cand[best]
            m += 1
            dist[best] = np.inf
    return owner[:m], partner[:m]


def choose_founders(market_size: int, count: int, match_of, rng: np.random.Generator,
                    exact_below: int = 1 << 14) -> np.ndarray:
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
    if market_size <= max(exact_below, 8 * count):
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


# ---------------------------------------------------------------- 10. costs
@njit(cache=True)
def daily_spend(organiser_posts, organiser_answers, invites, tie_hours, paid_spend, fixed_cost,
                cost_per_post, cost_per_answer, cost_per_invite, cost_per_hour):
    """Step 10a — what the organiser spends today: its work at unit prices, the paid
    exposures bought (step 6) and the fixed daily cost (``fixed_cost``: ``daily_fixed_cost`` on
    the days it is active after day 0)::

        spend = P c_post + A c_answer + I c_invite + H_ties c_hour + paid + fixed

    for ``P`` posts, ``A`` complaint answers, ``I`` invitations and ``H_ties`` hours on tied
    members (:func:`tie_attention`). The same money buys the mass-media arm
    (:func:`media_adoption`).
    """
    spend = (organiser_posts * cost_per_post + organiser_answers * cost_per_answer
             + invites * cost_per_invite + tie_hours * cost_per_hour + paid_spend)
    return spend + fixed_cost if fixed_cost != 0 else spend


# ---------------------------------------------------------------- 10. mass-media baseline
@njit(cache=True)
def media_adoption(non_adopters, match_levels, adopters, potential, impressions, market_size,
                   conversion, imitation_per_day, rs):
    """Step 10b — the mass-media baseline: one-way ads bought with the same money, a Bass
    diffusion (Bass 1969) over the market (S1 §1: "traditional media investment of millions").

    Impressions fall uniformly on the market, so a person sees ``lambda = I / N`` per day.
    A non-adopter with interest match ``m`` adopts with hazard::

        h = 1 - exp(-m (lambda conv + q A / M))

    the discrete Bass model with innovation ``p = lambda conv`` bought by spend and imitation
    ``q`` among adopters ``A`` of a potential ``M = sum m``. With everybody matching fully and
    constant spend, the expected adopters follow the closed-form Bass curve. People are counted
    per match level (``market.MATCH_LEVELS``), so the cost does not grow with the market.

    Updates
    -------
    non_adopters : less the new adopters, ``Binomial(non_adopters, h)`` per level.

    Returns
    -------
    int
        New adopters today.
    """
    p = impressions / market_size * conversion
    q = imitation_per_day * adopters / potential if potential > 0 else 0.0
    new = 0
    for level in range(non_adopters.shape[0]):
        if non_adopters[level] > 0:
            hazard = 1.0 - math.exp(-match_levels[level] * (p + q))
            k = binomial(rs, non_adopters[level], hazard)
            non_adopters[level] -= k
            new += k
    return new


# ---------------------------------------------------------------- overload and topic breadth
@njit(cache=True)
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


@njit(cache=True)
def allocate_attention(budget, demands, unit_hours):
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
    granted = np.zeros(demands.shape[0], dtype=np.int64)
    for k in range(demands.shape[0]):
        want = max(demands[k], 0)
        hours = unit_hours[k]
        if hours <= 0:
            granted[k] = want
            continue
        g = min(want, int(math.floor(left / hours + 1e-9)))
        granted[k] = g
        left -= g * hours
    return granted, max(left, 0.0)


@njit(cache=True)
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
