"""The day's rules strung together in compiled calls.

:meth:`circlesim.model.CommunityModel.step` is the schedule (docs/odd.md §3). The functions
here apply the rules of ``rules.py`` in the schedule's order to the member arrays
(``state.py``) and do the step's bookkeeping; nothing here is a mechanism of its own. Three
levels, each made of the one below:

- a step made of several rules: :func:`posting`, :func:`reading`, :func:`sharing`,
  :func:`leaving`, :func:`costs`;
- a part of the day: :func:`morning` (steps 1-6), :func:`recruiting` (7), :func:`evening`
  (the value tally and 8), :func:`night` (10 and the record);
- :func:`whole_day`: the four parts in one call (on a pruning day, the first three).

Why: for a small group the call from Python, not the work, was most of the day (a compiled
call costs microseconds in type checks of its arguments and boxing of its results), so a
day is one call when it can be. The arguments are arrays and numbers, never tuples (numba
checks a tuple argument's type slowly, element by element, on every call); the day's
parameters travel as one array (:data:`DAY_PARAMETERS`). The first two levels are inlined
into :func:`whole_day` (numba's ``inline="always"``), so it is compiled as one function rather
than optimised again at every level (a fifth less to compile on a fresh clone); called from
Python (after a day stopped early for room, under a probe, and :func:`night` for day 0) they
compile on their own. (Inlining the rules too was tried: one very large function compiled
slower than the parts, 52 s against 42 s for a first run.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import rules
from .outputs import (C_ANSWER_DELAY_SUM, C_COMPLAINTS_ANSWERED, C_COMPLAINTS_NEW,
                      C_CONTENT_RELEVANCE, C_EXPOSURES, C_INVITES, C_LEFT, C_MEMBER_ANSWERS,
                      C_MEMBER_POSTS, C_MESSAGE_VOLUME, C_ORGANISER_ANSWERS,
                      C_ORGANISER_ATTENTION, C_ORGANISER_HOURS, C_ORGANISER_POSTS,
                      C_ORGANISER_REPLIES, C_PAID_EXPOSURES, C_PAID_SPEND, C_READ_SHARE,
                      C_REPLIES, C_SHARES, C_SPEND_TODAY, C_TURNED_AWAY, C_JOINED,
                      C_JOINED_BY_SHARE, T_EXPOSURES, T_GENERATIONS, T_JOINED,
                      T_MEDIA_ADOPTERS, T_MEDIA_IMPRESSIONS, T_RECRUITERS, T_SHARE_EXPOSURES,
                      T_SHARE_JOINS, T_SPEND, T_UNIQUE_REACH, COUNTERS, record_day)
from .state import (ACTIVITY, ALIVE, COMPLAINT_BASELINE, COMPLAINT_OPEN, COMPLAINT_SINCE,
                    ENGAGEMENT, INTEREST, LAST_VISIT,
                    ORGANISER_RELEVANCE, ORGANISER_TIE, PERSON, RELEVANCE_RATIO,
                    RELEVANCE_SCALE, RESOLVED_TONE, SHARED_ONCE, TIE_COUNT,
                    UID, Channel, LeaveReason, add_ties, admit_members,
                    count_waiting_and_tied, record_engagement, record_posts, record_replies,
                    record_value, retire_members)

LEFT = int(LeaveReason.LEFT)
INACTIVE = int(LeaveReason.INACTIVE)
N_COUNTERS = len(COUNTERS)
SHARE = int(Channel.SHARE)
PAID = int(Channel.PAID)

__all__ = ["whole_day", "morning", "recruiting", "evening", "night", "posting", "reading",
           "sharing", "leaving", "costs", "new_counters", "day_parameters", "DAY_PARAMETERS",
           "MORNING", "PLAN", "PRICES"]

#: Fields of the organiser's plan returned by :func:`posting`.
PLAN = ("organiser_posts", "answer_quota", "invite_quota", "attention", "tie_hours")


@njit(cache=True, inline="always")
def posting(floats, ints, bools, n, t, active, visit_floor, post_rate, organiser_posts,
            organiser_hours, answer_capacity, answer_delay, invites, task_hours, hours_per_tie,
            topic_row, rs):
    """Step 2: members visit and post (:func:`rules.draw_visits`,
    :func:`rules.draw_member_posts`); when active, the organiser posts
    (:func:`rules.organiser_posting`) and plans its day: its attention budget goes to posts,
    complaint answers and ``invites`` invitations (:func:`rules.allocate_attention`), the rest
    to tied members (:func:`rules.tie_attention`, :func:`rules.draw_attended`). Posts are
    counted and binned by topic into ``topic_row``.

    Returns
    -------
    visited, member_posts, attended : arrays over rows
    plan : float ndarray
        The :data:`PLAN` values.
    member_posts_total : int
    """
    engagement = floats[ENGAGEMENT]
    alive = bools[ALIVE]
    visited = rules.draw_visits(engagement, alive, n, visit_floor, rs)
    member_posts = rules.draw_member_posts(floats[ACTIVITY], engagement, visited, n, post_rate,
                                           rs)
    plan = np.zeros(len(PLAN), dtype=np.float64)
    if active:
        posts = rules.organiser_posting(organiser_posts, rs)
        waiting, tied = count_waiting_and_tied(bools, ints, n, t, answer_delay)
        demands = np.empty(3, dtype=np.int64)
        demands[0] = posts
        demands[1] = min(answer_capacity, waiting)
        demands[2] = invites
        granted, left = rules.allocate_attention(organiser_hours, demands, task_hours)
        attention, tie_hours = rules.tie_attention(left, tied, hours_per_tie)
        attended = rules.draw_attended(bools[ORGANISER_TIE], alive, n, attention, rs)
        plan[0], plan[1], plan[2] = granted[0], granted[1], granted[2]
        plan[3], plan[4] = attention, tie_hours
    else:
        attended = np.zeros(n, dtype=np.bool_)
    total = record_posts(ints, floats, member_posts, n, t, topic_row)
    return visited, member_posts, attended, plan, total


@njit(cache=True, inline="always")
def reading(floats, ints, bools, ties, n, t, member_posts, member_posts_total, organiser_posts,
            attended, visited, replies_yesterday, reading_capacity, broadcast, campaign_tone,
            niche_center, reply_probability, relevance_width, interaction, rs):
    """Step 3: the day's message volume (today's posts and yesterday's replies) sets the share
    a member reads (:func:`rules.read_share`); neighbours read and reply
    (:func:`rules.read_and_reply`); the organiser replies to the tied members it attends
    (:func:`rules.organiser_replies_members`). Replies are counted.

    Returns
    -------
    seen, tone_sum, replies_made, replies_received, organiser_replies_received
        :func:`rules.read_and_reply`'s results
    read_share, volume : float
    organiser_replies, replies : int
        The organiser's replies, and all replies written today (the organiser's included).
    """
    volume = float(member_posts_total + organiser_posts + replies_yesterday)
    share = rules.read_share(volume, reading_capacity)
    member_reply = reply_probability if interaction else 0.0
    seen, tone_sum, made, received, organiser_received = rules.read_and_reply(
        n, member_posts, bools[COMPLAINT_OPEN], floats[RESOLVED_TONE], bools[ALIVE], attended,
        broadcast, ties, ints[TIE_COUNT], visited, floats[ENGAGEMENT], floats[INTEREST],
        organiser_posts, campaign_tone, niche_center, member_reply, relevance_width,
        interaction, share, rs)
    organiser_replies = 0
    if interaction and reply_probability > 0:
        organiser_replies = rules.organiser_replies_members(
            member_posts, attended, n, reply_probability, received, rs)
    replies = record_replies(ints, made, received, n, t) + organiser_replies
    return (seen, tone_sum, made, received, organiser_received, share, volume,
            organiser_replies, replies)


@njit(cache=True, inline="always")
def sharing(floats, ints, bools, n, visited, share_probability, share_once, lazy, seed, size,
            friends_mean, homophily, scale, indptr, indices, reach_probability, paid,
            seeding_budget, cost_per_exposure, audience_lo, audience_hi, audience_ids, rs):
    """Step 6: members share (:func:`rules.draw_sharers`) and reach outside friends
    (:func:`rules.spread_shares`); with ``paid`` the organiser buys exposures
    (:func:`rules.paid_exposures`), which carry no sharer.

    Returns
    -------
    sharer_rows : int ndarray
        Today's sharers' rows, then -1 (the "sharer" of a paid exposure).
    exposed, by : int ndarrays
        Market people reached, one per exposure, and the position of its sharer in
        ``sharer_rows``.
    share_exposures, paid_exposures : int
    """
    sharers = rules.draw_sharers(floats[ENGAGEMENT], visited, bools[ALIVE], bools[SHARED_ONCE],
                                 n, share_probability, share_once, rs)
    k = sharers.shape[0]
    people = np.empty(k, dtype=np.int64)
    sharer_rows = np.empty(k + 1, dtype=np.int64)
    for q in range(k):
        people[q] = ints[PERSON, sharers[q]]
        sharer_rows[q] = sharers[q]
    sharer_rows[k] = -1
    exposed, by = rules.spread_shares(people, lazy, seed, size, friends_mean, homophily, scale,
                                      indptr, indices, reach_probability, rs)
    share_exposures = exposed.shape[0]
    if not paid:
        return sharer_rows, exposed, by, share_exposures, 0
    bought = rules.paid_exposures(seeding_budget, cost_per_exposure, audience_lo, audience_hi,
                                  audience_ids, rs)
    m = bought.shape[0]
    all_exposed = np.empty(share_exposures + m, dtype=np.int64)
    all_by = np.empty(share_exposures + m, dtype=np.int64)
    for q in range(share_exposures):
        all_exposed[q] = exposed[q]
        all_by[q] = by[q]
    for q in range(m):
        all_exposed[share_exposures + q] = bought[q]
        all_by[share_exposures + q] = k
    return sharer_rows, all_exposed, all_by, share_exposures, m


@njit(cache=True, inline="always")
def leaving(floats, ints, bools, n, t, topic_ring, organiser_ring, niche_center,
            relevance_width, leave_rate, complaint_leave_risk, inactive_days, read_share,
            overload_leave_risk, irrelevance_leave_risk, rs):
    """Step 8: the relevance of the last days' posts to each member (members' posts binned,
    the organiser's at the niche centre; :func:`rules.member_relevance`), then who leaves
    (:func:`rules.draw_leavers`).

    Returns
    -------
    left, inactive : int ndarrays of rows
    relevance_mean : float
        Mean relevance over current members (the ``content_relevance`` output).
    """
    weights = np.zeros(topic_ring.shape[1], dtype=np.float64)
    for d in range(topic_ring.shape[0]):
        for b in range(topic_ring.shape[1]):
            weights[b] += topic_ring[d, b]
    organiser_weight = 0.0
    for d in range(organiser_ring.shape[0]):
        organiser_weight += organiser_ring[d]
    relevance, mean = rules.member_relevance(floats[INTEREST], bools[ALIVE], n, weights,
                                             organiser_weight, niche_center, relevance_width,
                                             floats[RELEVANCE_SCALE], floats[RELEVANCE_RATIO],
                                             floats[ORGANISER_RELEVANCE])
    left, inactive = rules.draw_leavers(
        floats[ENGAGEMENT], bools[ALIVE], bools[COMPLAINT_OPEN], ints[LAST_VISIT], n, t,
        leave_rate, complaint_leave_risk, inactive_days, read_share, overload_leave_risk,
        relevance, irrelevance_leave_risk, rs)
    return left, inactive, mean


#: Prices and hours :func:`costs` reads from its ``prices`` array, in this order.
PRICES = ("cost_per_post", "cost_per_answer", "cost_per_invite", "cost_per_hour",
          "hours_per_post", "hours_per_answer", "hours_per_invite", "media_cpm",
          "media_conversion", "media_imitation_per_day")


@njit(cache=True, inline="always")
def costs(c, totals, t, organiser_posts, organiser_answers, invites, tie_hours, fixed_cost,
          prices, market_size, media_left, media_levels, media_potential, media_rs):
    """Step 10: the day's spend (:func:`rules.daily_spend`) and the organiser's hours go into
    the counters ``c``; the same money buys one-way ads (:func:`rules.media_adoption`, the
    mass-media baseline, on its own random stream). ``prices`` holds the :data:`PRICES`.

    Updates
    -------
    c : ``C_SPEND_TODAY``, ``C_ORGANISER_HOURS`` (``outputs.COUNTERS``).
    totals : spend, media impressions and media adopters so far (``outputs.TOTALS``).
    media_left : non-adopters per match level, less today's adopters.
    """
    spend = rules.daily_spend(organiser_posts, organiser_answers, invites, tie_hours,
                              c[C_PAID_SPEND], fixed_cost, prices[0], prices[1], prices[2],
                              prices[3])
    c[C_SPEND_TODAY] = spend
    hours = organiser_posts * prices[4] + organiser_answers * prices[5]
    hours += invites * prices[6] if t > 0 else 0.0
    c[C_ORGANISER_HOURS] = hours + tie_hours
    totals[T_SPEND] += spend
    impressions = spend / prices[7] * 1000.0
    totals[T_MEDIA_IMPRESSIONS] += impressions
    totals[T_MEDIA_ADOPTERS] += rules.media_adoption(
        media_left, media_levels, totals[T_MEDIA_ADOPTERS], media_potential, impressions,
        market_size, prices[8], prices[9], media_rs)


# ---------------------------------------------------------------------------- the fused day
#: Parameters the day's compiled calls read from one float array (``prm``), in this order
#: (whole numbers and switches as floats: exact). Built once per model by :func:`day_parameters`.
DAY_PARAMETERS = (
    "problem_probability", "visit_floor", "post_rate", "organiser_posts", "organiser_hours",
    "answer_capacity", "answer_delay", "hours_per_tie", "reading_capacity", "broadcast",
    "campaign_tone", "niche_center", "reply_probability", "relevance_width", "interaction",
    "newcomer_days", "contagion", "reply_reward", "engagement_decay", "member_help",
    "answer_lift", "recovery_paradox", "answer_signal", "share_probability", "share_once",
    "reach_probability", "seeding_budget", "cost_per_seeded_exposure", "leave_rate",
    "complaint_leave_risk", "inactive_days", "overload_leave_risk", "irrelevance_leave_risk",
    "niche_width", "interest_gating", "join_probability", "initial_engagement",
    "activity_sigma", "centre_strength", "member_ties",
)
(P_PROBLEM, P_VISIT_FLOOR, P_POST_RATE, P_ORGANISER_POSTS, P_ORGANISER_HOURS,
 P_ANSWER_CAPACITY, P_ANSWER_DELAY, P_HOURS_PER_TIE, P_READING_CAPACITY, P_BROADCAST,
 P_CAMPAIGN_TONE, P_NICHE_CENTER, P_REPLY_PROBABILITY, P_RELEVANCE_WIDTH, P_INTERACTION,
 P_NEWCOMER_DAYS, P_CONTAGION, P_REPLY_REWARD, P_ENGAGEMENT_DECAY, P_MEMBER_HELP,
 P_ANSWER_LIFT, P_RECOVERY_PARADOX, P_ANSWER_SIGNAL, P_SHARE_PROBABILITY, P_SHARE_ONCE,
 P_REACH_PROBABILITY, P_SEEDING_BUDGET, P_COST_PER_EXPOSURE, P_LEAVE_RATE,
 P_COMPLAINT_LEAVE_RISK, P_INACTIVE_DAYS, P_OVERLOAD_LEAVE_RISK, P_IRRELEVANCE_LEAVE_RISK,
 P_NICHE_WIDTH, P_INTEREST_GATING, P_JOIN_PROBABILITY, P_INITIAL_ENGAGEMENT,
 P_ACTIVITY_SIGMA, P_CENTRE_STRENGTH, P_MEMBER_TIES) = range(len(DAY_PARAMETERS))

#: What :func:`morning` reports besides its arrays (``report``), in this order.
MORNING = ("organiser_posts", "answer_quota", "invite_quota", "attention", "tie_hours",
           "organiser_answers", "replies")
(M_ORGANISER_POSTS, M_ANSWER_QUOTA, M_INVITE_QUOTA, M_ATTENTION, M_TIE_HOURS,
 M_ORGANISER_ANSWERS, M_REPLIES) = range(len(MORNING))


#: The market's whole numbers and real numbers the day reads (``market_ints``,
#: ``market_floats``), in this order (``market.LazyMarket``; a loaded market has
#: ``lazy`` = 0 and reads its arrays instead).
MARKET_INTS = ("lazy", "seed", "size", "topics")
MARKET_FLOATS = ("friends_mean", "homophily", "scale", "spread", "centre")


@njit(cache=True, inline="always")
def _market_ints(market_ints):
    return market_ints[0] != 0, market_ints[1], market_ints[2], market_ints[3]


def day_parameters(values: dict) -> np.ndarray:
    """The :data:`DAY_PARAMETERS` of a parameter set, as the float array the day reads."""
    return np.array([float(values[name]) for name in DAY_PARAMETERS], dtype=np.float64)


@njit(cache=True, inline="always")
def morning(floats, ints, bools, ties, n, t, active, invites, prm, task_hours, topic_row,
            replies_yesterday, market_ints, market_floats, indptr, indices, audience_lo,
            audience_hi, audience_ids, c, totals, keep_reading, rs):
    """Steps 1-6 of the day in one call, in the schedule's order: problems
    (:func:`rules.draw_problems`), posting (:func:`posting`), reading and replying
    (:func:`reading`), contagion (``state.record_engagement``), complaints
    (:func:`rules.answer_complaints`) and sharing (:func:`sharing`). ``prm`` holds the
    :data:`DAY_PARAMETERS`; ``market_ints``, ``market_floats`` (:data:`MARKET_INTS`,
    :data:`MARKET_FLOATS`), ``indptr``, ``indices`` describe the market and ``audience_*`` the
    niche audience (``market.Audience``); today's counters go into ``c`` and the running totals
    into ``totals``. (Arrays and numbers only: a tuple argument costs numba a slow type check
    on every call.)

    Returns
    -------
    visited, member_posts, replies_made, answers_by : arrays over rows
    sharer_rows, exposed, exposed_by : as :func:`sharing`
    report : float ndarray
        The :data:`MORNING` values.
    seen, tone_sum, replies_received : arrays over rows
        What each row read and received in step 3 (:func:`rules.read_and_reply`).
    engagement_before : float ndarray
        With ``keep_reading``, engagement before step 4 (for a probe of the contagion rule,
        ``validation.measure``); else empty.
    """
    interaction = prm[P_INTERACTION] != 0
    report = np.zeros(len(MORNING), dtype=np.float64)
    # 1. problems
    c[C_COMPLAINTS_NEW] = rules.draw_problems(
        bools[ALIVE], bools[COMPLAINT_OPEN], ints[COMPLAINT_SINCE], floats[COMPLAINT_BASELINE],
        floats[ENGAGEMENT], n, t, prm[P_PROBLEM], rs)
    # 2. posting, and the organiser's plan
    visited, member_posts, attended, plan, member_total = posting(
        floats, ints, bools, n, t, active, prm[P_VISIT_FLOOR],
        prm[P_POST_RATE] if interaction else 0.0, prm[P_ORGANISER_POSTS],
        prm[P_ORGANISER_HOURS], int(prm[P_ANSWER_CAPACITY]), int(prm[P_ANSWER_DELAY]), invites,
        task_hours, prm[P_HOURS_PER_TIE], topic_row, rs)
    organiser_posts = int(plan[0])
    for k in range(len(PLAN)):
        report[k] = plan[k]
    c[C_ORGANISER_POSTS] = organiser_posts
    c[C_MEMBER_POSTS] = member_total
    c[C_ORGANISER_ATTENTION] = plan[3]
    # 3. reading and replying
    (seen, tone_sum, made, received, organiser_received, share, volume, organiser_replies,
     replies) = reading(
        floats, ints, bools, ties, n, t, member_posts, member_total, organiser_posts, attended,
        visited, replies_yesterday, prm[P_READING_CAPACITY], prm[P_BROADCAST] != 0,
        prm[P_CAMPAIGN_TONE], prm[P_NICHE_CENTER], prm[P_REPLY_PROBABILITY],
        prm[P_RELEVANCE_WIDTH], interaction, rs)
    c[C_REPLIES] = replies
    c[C_ORGANISER_REPLIES] = organiser_replies
    c[C_MESSAGE_VOLUME] = volume
    c[C_READ_SHARE] = share
    report[M_REPLIES] = replies
    # 4. contagion
    before = floats[ENGAGEMENT, :n].copy() if keep_reading else np.empty(0, dtype=np.float64)
    record_engagement(floats, ints, bools, n, t, int(prm[P_NEWCOMER_DAYS]), seen, tone_sum,
                      received, prm[P_CONTAGION], prm[P_REPLY_REWARD], prm[P_ENGAGEMENT_DECAY])
    # 5. complaints
    answers_by = np.zeros(n, dtype=np.int64)
    answered, by_members, by_organiser, delays = rules.answer_complaints(
        n, t, bools[ALIVE], bools[COMPLAINT_OPEN], ints[COMPLAINT_SINCE],
        floats[COMPLAINT_BASELINE], floats[ENGAGEMENT], visited, ties, ints[TIE_COUNT],
        interaction, prm[P_MEMBER_HELP], active, int(plan[1]), int(prm[P_ANSWER_DELAY]),
        prm[P_ANSWER_LIFT], prm[P_RECOVERY_PARADOX], prm[P_ANSWER_SIGNAL],
        floats[RESOLVED_TONE], answers_by, rs)
    report[M_ORGANISER_ANSWERS] = by_organiser
    c[C_ORGANISER_ANSWERS] = by_organiser
    c[C_COMPLAINTS_ANSWERED] = answered
    c[C_MEMBER_ANSWERS] = by_members
    c[C_ANSWER_DELAY_SUM] = delays
    # 6. sharing (+ paid seeding)
    lazy, seed, size, _ = _market_ints(market_ints)
    friends_mean, homophily, scale = market_floats[0], market_floats[1], market_floats[2]
    paid = active and prm[P_SEEDING_BUDGET] > 0
    sharer_rows, exposed, exposed_by, shared, bought = sharing(
        floats, ints, bools, n, visited, prm[P_SHARE_PROBABILITY], prm[P_SHARE_ONCE] != 0,
        lazy, seed, size, friends_mean, homophily, scale, indptr, indices,
        prm[P_REACH_PROBABILITY], paid, prm[P_SEEDING_BUDGET], prm[P_COST_PER_EXPOSURE],
        audience_lo, audience_hi, audience_ids, rs)
    totals[T_SHARE_EXPOSURES] += shared
    c[C_SHARES] = sharer_rows.shape[0] - 1
    if paid:
        c[C_PAID_EXPOSURES] = bought
        c[C_PAID_SPEND] = bought * prm[P_COST_PER_EXPOSURE]
    totals[T_EXPOSURES] += exposed.shape[0]
    c[C_EXPOSURES] = exposed.shape[0]
    return (visited, member_posts, made, answers_by, sharer_rows, exposed, exposed_by, report,
            seen, tone_sum, received, before)


@njit(cache=True, inline="always")
def recruiting(floats, ints, bools, ties, n, t, exposed, exposed_by, sharer_rows, slots,
               count, market_ints, market_floats, interest, free, next_uid, prm, c, totals, rs):
    """Step 7 in one call: exposed outsiders decide to join (:func:`rules.recruit`); if more
    than ``free`` places are left, a random ``free`` of them get in
    (:func:`rules.admit_up_to_cap`); those reached by a share, then those reached by a paid
    exposure, become members in rows ``n ...`` (``state.admit_members``: their draws, rows,
    Mesa ids from ``next_uid``, and ties). The caller reserved the rows and the people table's
    room.

    Returns
    -------
    n : int
        Rows in use after the joiners.
    ties : int ndarray
        The tie rows with the joiners' ties: ``ties``, or a wider copy if a member needed more
        slots than a row had (``state.add_ties``).
    """
    lazy, seed, size, topics = _market_ints(market_ints)
    spread, centre = market_floats[3], market_floats[4]
    joiners, pos, fresh = rules.recruit(
        exposed, exposed_by, slots, count, lazy, seed, size, topics, spread, centre,
        interest, prm[P_INTEREST_GATING] != 0, prm[P_NICHE_CENTER], prm[P_NICHE_WIDTH],
        prm[P_JOIN_PROBABILITY], rs)
    totals[T_UNIQUE_REACH] += fresh
    k = joiners.shape[0]
    recruiter = np.empty(k, dtype=np.int64)
    for q in range(k):
        recruiter[q] = sharer_rows[pos[q]]
    if k > free:  # the group cap
        keep = rules.admit_up_to_cap(k, free, rs)
        c[C_TURNED_AWAY] += k - free
        joiners = joiners[keep]
        recruiter = recruiter[keep]
        k = free
    by_share = 0
    for q in range(k):
        if recruiter[q] >= 0:
            by_share += 1
    pairs_a = np.empty(0, dtype=np.int64)
    pairs_b = np.empty(0, dtype=np.int64)
    for channel in (SHARE, PAID):  # those reached by a share first, then the paid ones
        m = by_share if channel == SHARE else k - by_share
        if m == 0:
            continue
        people = np.empty(m, dtype=np.int64)
        recruiters = np.empty(m, dtype=np.int64)
        j = 0
        for q in range(k):
            if (recruiter[q] >= 0) == (channel == SHARE):
                people[j] = joiners[q]
                recruiters[j] = recruiter[q]
                j += 1
        a, b, new_recruiters, deepest = admit_members(
            floats, ints, bools, n, people, recruiters, channel, t, prm[P_INITIAL_ENGAGEMENT],
            prm[P_ACTIVITY_SIGMA], prm[P_CENTRE_STRENGTH], int(prm[P_MEMBER_TIES]), lazy, seed,
            size, topics, spread, centre, interest, slots, count, rs)
        totals[T_RECRUITERS] += new_recruiters
        totals[T_GENERATIONS] = max(totals[T_GENERATIONS], deepest)
        for q in range(m):
            ints[UID, n + q] = next_uid + q
        n += m
        next_uid += m
        pairs_a = np.concatenate((pairs_a, a))
        pairs_b = np.concatenate((pairs_b, b))
    totals[T_JOINED] += k
    c[C_JOINED] += k
    totals[T_SHARE_JOINS] += by_share
    c[C_JOINED_BY_SHARE] = by_share
    return n, add_ties(ties, ints, pairs_a, pairs_b)


@njit(cache=True, inline="always")
def evening(floats, ints, bools, ties, value_ring, n, t, member_posts, replies_made,
            sharer_rows, answers_by, visited, topic_ring, organiser_ring, read_share, prm,
            slots, count, c, rs):
    """The value produced today enters the window (``state.record_value``), then step 8
    (:func:`leaving`): who leaves, recorded in the rows and the people table
    (``state.retire_members``). Sets ``c``'s ``C_LEFT`` and ``C_CONTENT_RELEVANCE``.

    Returns
    -------
    left, inactive : int ndarrays of the rows that left (disengaged, long absent)
    """
    record_value(ints, floats, value_ring, member_posts, replies_made, sharer_rows, answers_by,
                 visited, t)
    left, inactive, relevance_mean = leaving(
        floats, ints, bools, n, t, topic_ring, organiser_ring, prm[P_NICHE_CENTER],
        prm[P_RELEVANCE_WIDTH], prm[P_LEAVE_RATE], prm[P_COMPLAINT_LEAVE_RISK],
        int(prm[P_INACTIVE_DAYS]), read_share, prm[P_OVERLOAD_LEAVE_RISK],
        prm[P_IRRELEVANCE_LEAVE_RISK], rs)
    if left.shape[0] > 0:
        retire_members(ints, bools, ties, left, t, LEFT, slots, count)
    if inactive.shape[0] > 0:
        retire_members(ints, bools, ties, inactive, t, INACTIVE, slots, count)
    c[C_LEFT] = left.shape[0] + inactive.shape[0]
    c[C_CONTENT_RELEVANCE] = relevance_mean
    return left, inactive


@njit(cache=True, inline="always")
def night(row, floats, ints, bools, n, t, organiser_posts, organiser_answers, invites,
          tie_hours, fixed_cost, prices, market_size, media_left, media_levels,
          media_potential, media_rs, prm, topic_ring, c, totals):
    """Step 10 (:func:`costs`) and the day's row of the daily table
    (``outputs.record_day``)."""
    c[C_INVITES] = invites
    costs(c, totals, t, organiser_posts, organiser_answers, invites, tie_hours, fixed_cost,
          prices, market_size, media_left, media_levels, media_potential, media_rs)
    record_day(row, floats, ints, bools, n, t, prm[P_NICHE_CENTER], prm[P_NICHE_WIDTH],
               topic_ring, c, totals)


@njit(cache=True)
def new_counters():
    """Today's counters (``outputs.COUNTERS``) before the day's steps: zero, except the values
    of a day without posts (everything read, all of it relevant, every tied member attended),
    which the steps overwrite when the day has posts."""
    c = np.zeros(N_COUNTERS, dtype=np.float64)
    c[C_ORGANISER_ATTENTION] = 1.0
    c[C_READ_SHARE] = 1.0
    c[C_CONTENT_RELEVANCE] = 1.0
    return c


#: How far :func:`whole_day` got: nothing (the caller takes the steps one call each), steps
#: 1-6 (the group needs more rows or the people table more room before step 7), steps 1-8 (a
#: pruning day: step 9, pruning and replacement invitations, draws from the model's own
#: generator in Python), or the whole day.
NOT_STARTED, MORNING_DONE, EVENING_DONE, DAY_DONE = 0, 1, 3, 4


@njit(cache=True)
def whole_day(floats, ints, bools, ties, value_ring, slots, count, prm, task_hours,
              topic_ring, organiser_ring, market_ints, market_floats, indptr, indices, interest,
              audience_lo, audience_hi, audience_ids, prices, media_left, media_levels,
              media_potential, media_rs, totals, rs, n, t, active, free, next_uid,
              replies_yesterday, fixed_cost, row, want_departed, invites, pruning_day):
    """A day, steps 1-10 in one call: :func:`morning` (steps 1-6), :func:`recruiting` (7),
    :func:`evening` (the value tally and step 8) and :func:`night` (10 and the record),
    exactly as the caller would call them one by one. The day stops early, with what the
    caller needs to go on, when the joiners need rows or people-table room the arrays do not
    have (after step 6); on a ``pruning_day`` (the organiser plans ``invites`` replacement
    invitations) it stops after step 8.

    The arguments are the state's arrays, the people table (slots, count), then what
    does not change during a run (``CommunityModel._whole_day_args``), then the day's numbers.

    Returns
    -------
    (how far, rows in use, the tie rows (``ties`` or, if the joiners needed wider rows, a
    wider copy), organiser posts, organiser answers, replies, departures, departed rows (with
    ``want_departed``), counters (when stopped early), the arrays of :func:`morning` (after
    step 6 only) and its report (when stopped early))
    """
    c = new_counters()
    slot = t % topic_ring.shape[0]
    (visited, member_posts, made, answers_by, sharer_rows, exposed, exposed_by, report, _, _,
     _, _) = morning(floats, ints, bools, ties, n, t, active, invites, prm, task_hours,
                     topic_ring[slot], replies_yesterday, market_ints, market_floats, indptr,
                     indices, audience_lo, audience_hi, audience_ids, c, totals, False, rs)
    posts = int(report[M_ORGANISER_POSTS])
    answers = int(report[M_ORGANISER_ANSWERS])
    replies = int(report[M_REPLIES])
    organiser_ring[slot] = posts
    k = exposed.shape[0]
    if n + min(k, free) > floats.shape[1] or 2 * (count[0] + k) > slots.shape[0]:
        return (MORNING_DONE, n, ties, posts, answers, replies, 0, None, c, visited,
                member_posts, made, answers_by, sharer_rows, exposed, exposed_by, report)
    n, ties = recruiting(floats, ints, bools, ties, n, t, exposed, exposed_by, sharer_rows,
                         slots, count, market_ints, market_floats, interest, free,
                         next_uid, prm, c, totals, rs)
    left, inactive = evening(floats, ints, bools, ties, value_ring, n, t, member_posts, made,
                             sharer_rows, answers_by, visited, topic_ring, organiser_ring,
                             c[C_READ_SHARE], prm, slots, count, c, rs)
    departures = left.shape[0] + inactive.shape[0]
    departed = None
    if want_departed and departures > 0:
        departed = np.concatenate((left, inactive))
    if pruning_day:
        return (EVENING_DONE, n, ties, posts, answers, replies, departures, departed, c, None,
                None, None, None, None, None, None, report)
    night(row, floats, ints, bools, n, t, posts, answers, 0, report[M_TIE_HOURS], fixed_cost,
          prices, market_ints[2], media_left, media_levels, media_potential, media_rs, prm,
          topic_ring, c, totals)
    return (DAY_DONE, n, ties, posts, answers, replies, departures, departed, None, None,
            None, None, None, None, None, None, None)
