"""Steps of the day that apply several rules in a row, each as one compiled call.

:meth:`circlesim.model.CommunityModel.step` is the schedule (docs/odd.md §3); a step made of
several rules (posting and the organiser's plan, reading and replying, sharing, leaving) calls
one function here, which applies the rules of ``rules.py`` in the schedule's order to the
member arrays (``state.py``) and does the step's bookkeeping. Nothing here is a mechanism of
its own: each function only strings rules together, so that a day costs a dozen calls from
Python instead of forty (the call, not the work, was most of a small group's day).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import rules
from .outputs import (C_ORGANISER_HOURS, C_PAID_SPEND, C_SPEND_TODAY, T_MEDIA_ADOPTERS,
                      T_MEDIA_IMPRESSIONS, T_SPEND)
from .state import (ACTIVITY, ALIVE, COMPLAINT_OPEN, ENGAGEMENT, INTEREST, LAST_VISIT,
                    ORGANISER_RELEVANCE, ORGANISER_TIE, PERSON, RELEVANCE_RATIO,
                    RELEVANCE_SCALE, RESOLVED_TONE, SHARED_ONCE, TIE_COUNT,
                    count_waiting_and_tied, record_posts, record_replies)

__all__ = ["posting", "reading", "sharing", "leaving", "costs", "PLAN", "PRICES"]

#: Fields of the organiser's plan returned by :func:`posting`.
PLAN = ("organiser_posts", "answer_quota", "invite_quota", "attention", "tie_hours")


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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
