"""``CommunityModel``: an organiser, a small online group and the market around it.

Read :meth:`CommunityModel.step` first: it is the schedule of one day (DESIGN.md §3), each line
one rule from ``rules.py`` applied to the member arrays in ``state.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.discrete_space import Cell, Network

from . import rules
from .agents import Member, Organiser
from .market import Market, build_market, interest_match
from .metrics import (
    degree_centralization,
    distinct_count,
    entropy_bits,
    gini,
    participation_split,
    top_share,
)
from .parameters import Parameters
from .scenarios import load_scenario
from .state import CHANNELS, LEAVE_REASONS, MemberState

__all__ = ["CommunityModel", "OUTPUT_COLUMNS", "ENGAGED"]

#: Engagement at or above which a member counts as engaged (cost per engaged member).
ENGAGED = 0.5
#: Days of member posts over which the topic entropy is measured.
TOPIC_WINDOW = 7
#: Interest match at or above which a person counts as inside the niche.
NICHE_MATCH = 0.5
#: Topic bins used for the topic entropy of posts.
TOPIC_BINS = 12
#: Finer topic bins of the post ring, for the relevance of recent content (a multiple of
#: TOPIC_BINS, so the entropy bins are sums of these).
RELEVANCE_BINS = 48

#: Columns of :meth:`CommunityModel.to_frame`, in order, with their meaning.
OUTPUT_COLUMNS: dict[str, str] = {
    "step": "day (0 = the initial state)",
    "members": "members at the end of the day",
    "joined": "people who joined today (shares, paid seeding, invitations)",
    "joined_by_share": "people who joined today through a member's share",
    "left": "members who left today (disengaged, or absent too long)",
    "pruned": "members removed today by interest replacement",
    "turned_away": "would-be joiners turned away today because the group was full",
    "active_members": "members who posted, replied, shared or answered within value_window days",
    "posts": "posts today, organiser and members",
    "organiser_posts": "organiser posts today",
    "member_posts": "member posts today",
    "replies": "replies today",
    "shares": "shares to outside friends today",
    "exposures": "people reached today by shares and paid seeding (with repeats)",
    "paid_exposures": "exposures bought today through paid seeding",
    "total_exposures": "exposures so far",
    "unique_reach": "distinct people reached so far",
    "conversion_rate": "joins through shares so far / share exposures so far",
    "mean_engagement": "mean engagement of members",
    "engagement_sd": "standard deviation of engagement",
    "engaged_members": f"members with engagement >= {ENGAGED}",
    "complaints_new": "complaints posted today",
    "complaints_open": "complaints waiting for an answer",
    "complaints_answered": "complaints answered today (organiser and members)",
    "member_answers": "complaints answered by members today",
    "mean_answer_delay": "mean age in days of the complaints answered today",
    "organiser_content_share": "organiser posts, answers and replies / all posts, replies and "
                               "answers today",
    "organiser_effort": "organiser actions today (posts, answers, replies, invitations)",
    "organiser_hours": "organiser hours worked today (posts, answers, invitations, tied members)",
    "organiser_attention": "share of tied members the organiser attends to today (1 = all)",
    "organiser_replies": "organiser replies to the posts of attended tied members today",
    "message_volume": "messages in the group today (posts today and replies yesterday)",
    "read_share": "share of the day's messages a member can read (1 = no overload)",
    "content_relevance": "mean relevance of the last 7 days' posts to members (topic breadth)",
    "centralization": "Freeman degree centralization of the group network (organiser included)",
    "participation_gini": "Gini coefficient of posts among members",
    "lurker_share": "members who never posted",
    "contributor_share": "members who posted, less than weekly",
    "heavy_share": "members who posted at least weekly on average",
    "top1_post_share": "share of members' posts written by the top 1% of members",
    "topic_entropy": f"entropy (bits, {TOPIC_BINS} bins) of member post topics, last 7 days",
    "niche_share": f"members whose interest match with the niche is >= {NICHE_MATCH}",
    "generations": "deepest level of the recruitment tree so far",
    "recruits_per_recruiter": "share joins so far / members who recruited anyone",
    "mean_offspring": "share joins so far / everyone who ever joined",
    "spend_today": "money spent today",
    "spend": "money spent so far",
    "cost_per_member": "spend so far / everyone who ever joined",
    "cost_per_engaged_member": "spend so far / engaged members now",
    "media_members": "people converted so far by mass media bought with the same spend",
    "media_spend": "mass-media spend so far (= spend)",
    "media_impressions": "mass-media impressions so far",
    "media_cost_per_member": "mass-media spend / people converted",
}


@dataclass
class _Day:
    """Scratch record of one day: today's draws and counters, filled step by step."""

    t: int
    visited: np.ndarray | None = None
    member_posts: np.ndarray | None = None
    replies_made: np.ndarray | None = None
    sharers: np.ndarray | None = None
    answers_by: np.ndarray | None = None
    read: rules.ReadResult | None = None          # what members saw and wrote (step 3)
    exposed: np.ndarray | None = None             # market people reached, one per exposure
    exposed_by: np.ndarray | None = None          # position of each exposure's sharer
    sharer_rows: np.ndarray | None = None         # sharers' rows, then -1 for paid exposures
    organiser_posts: int = 0
    organiser_answers: int = 0
    invites: int = 0
    answer_quota: int = 0                         # answers the attention budget allows today
    invite_quota: int = 0                         # invitations the attention budget allows
    attended: np.ndarray | None = None            # tied members the organiser attends today
    attention: float = 1.0                        # share of tied members attended
    tie_hours: float = 0.0                        # organiser hours on tied members today
    organiser_replies: int = 0
    read_share: float = 1.0                       # share of today's messages a member reads
    volume: float = 0.0                           # today's message volume
    counts: dict[str, float] = field(default_factory=dict)

    def add(self, key: str, amount: float) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount


class CommunityModel(mesa.Model):
    """Agent-based model of community marketing (see ``docs/odd.md``).

    Parameters
    ----------
    scenario : str or path, default "baseline"
        A preset name or a scenario TOML file; its parameters are the starting point.
    rng : int, numpy SeedSequence or Generator, optional
        Seed. The same seed gives the same run.
    **parameters
        Overrides, any key of :data:`circlesim.parameters.PARAMETERS`.

    Raises
    ------
    ParameterError
        For an unknown key or an invalid value (one line naming the key and range).

    Examples
    --------
    >>> model = CommunityModel(rng=1, centre_strength=0.8)
    >>> model.run(30)
    >>> model.to_frame()[["step", "members", "unique_reach"]].tail(1)  # doctest: +SKIP
    """

    def __init__(self, scenario: str | None = "baseline", rng: Any = None, **parameters: Any):
        preset = load_scenario(scenario) if scenario is not None else None
        params = Parameters.from_mapping({**(preset.parameters if preset else {}), **parameters})
        super().__init__(rng=rng)
        self.scenario_name = preset.name if preset else "custom"
        self.params = params
        self.media_rng = np.random.default_rng(self.rng.integers(2**63))

        self.market: Market = build_market(params, self.rng)
        #: each market person's interest match with the niche (what targeting would see)
        self.niche_match = interest_match(self.market.interest, params.niche_center,
                                          params.niche_width)
        #: the match that gates joining: the niche match, or 1 for all without gating
        self.match = self.niche_match if params.interest_gating else np.ones(self.market.size)
        self.niche_audience = np.flatnonzero(self.niche_match >= NICHE_MATCH)
        if self.niche_audience.size == 0:
            self.niche_audience = np.arange(self.market.size)
        # 0 never a member, 1 member, 2 former member (people do not rejoin)
        self.status = np.zeros(self.market.size, dtype=np.int8)
        self.ever_exposed = np.zeros(self.market.size, dtype=bool)

        self.state = MemberState(
            capacity=max(64, 2 * params.initial_members), value_window=params.value_window
        )
        self._agents: list[Member | None] = []  # by row
        self._member_by_uid: dict[int, Member] = {}
        self._network = Network(nx.Graph(), layout=None, random=self.random)
        self._has_cell = np.zeros(0, dtype=bool)  # member rows placed on the Mesa network
        self._stale_cells: list[int] = []  # unique_ids of archived members still placed
        self.organiser = Organiser(self)
        self.organiser.cell = self._new_cell(self.organiser.unique_id)

        self._topic_ring = np.zeros((TOPIC_WINDOW, RELEVANCE_BINS))
        self._organiser_ring = np.zeros(TOPIC_WINDOW)
        self._replies_yesterday = 0
        self._relevance_mean = 1.0
        # tone of a complaint answered yesterday, as onlookers read it (0 = none)
        self._resolved_yesterday = np.zeros(0)
        self._totals = dict(joined=0, share_joins=0, share_exposures=0, exposures=0,
                            unique_reach=0, spend=0.0, media_impressions=0.0, recruiters=0,
                            generations=0)
        self._setup_media()
        self._rows: list[dict[str, float]] = []

        first = self._initial_people()
        day = _Day(t=0)
        self._admit(first, np.full(first.size, -1), channel=0, day=day)
        self.organiser.invites += first.size
        day.invites = first.size
        self._costs(day)
        self._record(day)

    # ================================================================== the day
    def step(self) -> None:
        """One day, in the order of DESIGN.md §3."""
        day = _Day(t=self.steps)
        self._problems(day)             # 1. members hit problems and complain
        self._posting(day)              # 2. members visit and post; the organiser posts
        self._reading_and_replying(day) # 3. neighbours read and reply
        self._contagion(day)            # 4. engagement moves with tone, replies and decay
        self._complaints(day)           # 5. members and the organiser answer complaints
        self._sharing(day)              # 6. shares reach outside friends (+ paid seeding)
        self._recruiting(day)           # 7. exposed outsiders join, up to the cap
        self._tally_value(day)          #    value produced today enters the window
        self._leaving(day)              # 8. disengaged and long-absent members go
        self._interest_replacement(day) # 9. pruning and replacement invitations
        self._costs(day)                # 10. spend, and the mass-media baseline
        self._record(day)
        self._compact_if_sparse()

    def run(self, steps: int, progress: Callable[[CommunityModel], None] | None = None) -> None:
        """Run ``steps`` days; call ``progress(model)`` after each."""
        for _ in range(int(steps)):
            self.step()
            if progress is not None:
                progress(self)

    # ================================================================== rules applied
    def _problems(self, day: _Day) -> None:
        s, n = self.state, self.state.n
        alive = s.alive[:n]
        new = rules.draw_problems(alive & ~s.complaint_open[:n], self.params.problem_probability,
                                  self.rng)
        s.complaint_open[:n] |= new
        s.complaint_since[:n][new] = day.t
        s.complaint_baseline[:n][new] = s.engagement[:n][new]
        day.add("complaints_new", int(new.sum()))

    def _posting(self, day: _Day) -> None:
        p, s, n = self.params, self.state, self.state.n
        day.visited = rules.draw_visits(s.engagement[:n], s.alive[:n], p.visit_floor, self.rng)
        s.last_visit[:n][day.visited] = day.t
        if p.interaction:
            posts = rules.draw_member_posts(s.activity[:n], s.engagement[:n], day.visited,
                                            p.post_rate, self.rng)
        else:
            posts = np.zeros(n, dtype=np.int64)
        day.member_posts = posts
        posters = np.flatnonzero(posts)
        s.posts[posters] += posts[posters]
        earlier = s.first_post_step[posters] >= 0
        s.posts_after_first[posters[earlier]] += posts[posters[earlier]]
        s.first_post_step[posters[~earlier]] = day.t
        if self.organiser.active:
            whole = int(p.organiser_posts)
            day.organiser_posts = whole + int(self.rng.random() < p.organiser_posts - whole)
        self._plan_organiser(day)
        self.organiser.posts += day.organiser_posts
        slot = day.t % TOPIC_WINDOW
        self._topic_ring[slot] = np.bincount(
            (s.interest[posters] * RELEVANCE_BINS).astype(np.int64) % RELEVANCE_BINS,
            weights=posts[posters], minlength=RELEVANCE_BINS)
        self._organiser_ring[slot] = day.organiser_posts
        day.add("member_posts", int(posts.sum()))

    def _plan_organiser(self, day: _Day) -> None:
        """The organiser's attention budget for today (rules.allocate_attention,
        rules.tie_attention): posts, then complaint answers, then invitations, then tied
        members get what is left."""
        p, s, n = self.params, self.state, self.state.n
        tied = s.organiser_tie[:n] & s.alive[:n]
        if not self.organiser.active:
            day.organiser_posts = 0
            day.attended = np.zeros(n, dtype=bool)
            day.attention = 0.0
            return
        ready = s.complaint_open[:n] & s.alive[:n] & (day.t - s.complaint_since[:n] >= p.answer_delay)
        invites = 0
        if p.pruning and day.t % p.prune_interval == 0:
            invites = int(np.floor(p.prune_fraction * self.member_count))
        granted, left = rules.allocate_attention(
            p.organiser_hours,
            np.array([day.organiser_posts, min(p.answer_capacity, int(ready.sum())), invites]),
            np.array([p.hours_per_post, p.hours_per_answer, p.hours_per_invite]))
        day.organiser_posts, day.answer_quota, day.invite_quota = (int(g) for g in granted)
        day.attention, day.tie_hours = rules.tie_attention(left, int(tied.sum()), p.hours_per_tie)
        if day.attention >= 1.0:
            day.attended = tied
        else:
            day.attended = tied & (self.rng.random(n) < day.attention)

    def _reading_and_replying(self, day: _Day) -> None:
        p, s, n = self.params, self.state, self.state.n
        posts = day.member_posts
        resolved_tone = np.zeros(n)
        m = min(n, self._resolved_yesterday.size)
        resolved_tone[:m] = self._resolved_yesterday[:m]
        resolved = resolved_tone > 0
        complaints = s.complaint_open[:n] & s.alive[:n]
        if not p.interaction:  # a one-way channel: members' voices are not seen
            complaints, resolved = np.zeros(n, bool), np.zeros(n, bool)
            resolved_tone = np.zeros(n)
        items = posts + complaints + resolved
        sources = np.flatnonzero(items > 0)
        owner, neighbour = s.neighbours(sources)
        tone = posts[sources] * s.engagement[sources] + resolved_tone[sources]
        readers = s.alive[:n] & (day.attended | p.broadcast)
        # information overload: today's posts and yesterday's replies are the day's messages
        day.volume = float(posts.sum() + day.organiser_posts + self._replies_yesterday)
        day.read_share = rules.read_share(day.volume, p.reading_capacity)
        result = rules.read_and_reply(
            n_rows=n, source_rows=sources, source_posts=posts[sources],
            source_items=items[sources].astype(float), source_tone_sum=tone,
            reader_of_source=owner, neighbour=neighbour, visited=day.visited,
            engagement=s.engagement[:n], interest=s.interest[:n],
            organiser_posts=day.organiser_posts, organiser_readers=readers,
            campaign_tone=p.campaign_tone, niche_center=p.niche_center,
            reply_probability=p.reply_probability if p.interaction else 0.0,
            relevance_width=p.relevance_width, rng=self.rng, read_share=day.read_share)
        if p.interaction and p.reply_probability > 0:
            org = rules.organiser_replies(posts, day.attended, p.reply_probability, self.rng)
            day.organiser_replies = int(org.sum())
            result.replies_received += org
        day.read = result
        s.replies[:n] += result.replies_made
        s.replies_received[:n] += result.replies_received
        first_today = s.first_post_step[:n] == day.t
        s.first_post_replies[:n][first_today] = result.replies_received[first_today]
        day.replies_made = result.replies_made
        day.add("replies", int(result.replies_made.sum()) + day.organiser_replies)
        self._replies_yesterday = int(result.replies_made.sum()) + day.organiser_replies

    def _contagion(self, day: _Day) -> None:
        p, s, n = self.params, self.state, self.state.n
        newcomer = day.t - s.joined_step[:n] < p.newcomer_days
        updated = rules.update_engagement(
            s.engagement[:n], day.read.seen, day.read.tone_sum, day.read.replies_received,
            newcomer, contagion=p.contagion, reply_reward=p.reply_reward,
            decay=p.engagement_decay)
        alive = s.alive[:n]
        s.engagement[:n][alive] = updated[alive]  # departed members keep their last value

    def _complaints(self, day: _Day) -> None:
        p, s, n = self.params, self.state, self.state.n
        open_rows = np.flatnonzero(s.complaint_open[:n] & s.alive[:n])
        solved = np.zeros(open_rows.size, dtype=bool)
        helpers = np.empty(0, dtype=np.int64)
        if p.interaction and open_rows.size:
            owner, neighbour = s.neighbours(open_rows)
            solved, helpers = rules.member_answers(owner, neighbour, day.visited, s.engagement,
                                                   p.member_help, open_rows.size, self.rng)
        if self.organiser.active:
            waiting = np.flatnonzero(~solved)
            picked = rules.organiser_answers(s.complaint_since[open_rows[waiting]], day.t,
                                             day.answer_quota, p.answer_delay)
            day.organiser_answers = int(picked.size)
            solved[waiting[picked]] = True
        self.organiser.answers += day.organiser_answers
        answered = open_rows[solved]
        np.add.at(s.answers, helpers, 1)
        day.answers_by = helpers
        s.complaint_open[answered] = False
        s.engagement[answered] = rules.restore_after_answer(
            s.engagement[answered], s.complaint_baseline[answered], p.answer_lift,
            p.recovery_paradox)
        delays = day.t - s.complaint_since[answered]
        self._resolved_yesterday = np.zeros(n)
        self._resolved_yesterday[answered] = rules.answer_tone(delays, p.answer_signal)
        day.add("complaints_answered", int(answered.size))
        day.add("member_answers", int(solved.sum()) - day.organiser_answers)
        day.counts["mean_answer_delay"] = float(delays.mean()) if delays.size else float("nan")

    def _sharing(self, day: _Day) -> None:
        p, s, n = self.params, self.state, self.state.n
        if p.share_once:
            sharers = s.alive[:n] & ~s.shared_once[:n]
            s.shared_once[:n] |= sharers
        else:
            sharers = rules.draw_sharers(s.engagement[:n], day.visited, p.share_probability,
                                         self.rng)
        sharer_rows = np.flatnonzero(sharers)
        s.shares[sharer_rows] += 1
        day.sharers = sharers
        exposed, by = rules.spread_shares(self.market, s.person[sharer_rows], p.reach_probability,
                                          self.rng)
        self._totals["share_exposures"] += exposed.size
        day.add("shares", sharer_rows.size)

        paid = np.empty(0, dtype=np.int64)
        if self.organiser.active and p.seeding_budget > 0:
            budgeted = p.seeding_budget / p.cost_per_seeded_exposure
            count = int(budgeted) + int(self.rng.random() < budgeted - int(budgeted))
            paid = self.niche_audience[self.rng.integers(0, self.niche_audience.size, size=count)]
            day.add("paid_spend", count * p.cost_per_seeded_exposure)
        day.add("paid_exposures", paid.size)
        day.exposed = np.concatenate([exposed, paid])
        # exposures bought by the organiser carry no sharer: position len(sharer_rows) -> -1
        day.exposed_by = np.concatenate([by, np.full(paid.size, sharer_rows.size)])
        day.sharer_rows = np.append(sharer_rows, -1)
        fresh = day.exposed[~self.ever_exposed[day.exposed]]
        self.ever_exposed[fresh] = True
        self._totals["unique_reach"] += distinct_count(fresh)
        self._totals["exposures"] += day.exposed.size
        day.add("exposures", day.exposed.size)

    def _recruiting(self, day: _Day) -> None:
        p = self.params
        people, pos = rules.recruit(day.exposed, day.exposed_by, self.status,
                                    self.match, p.join_probability, self.rng)
        recruiter = day.sharer_rows[pos] if people.size else np.empty(0, dtype=np.int64)
        people, recruiter = self._apply_cap(people, recruiter, day)
        by_share = recruiter >= 0
        self._admit(people[by_share], recruiter[by_share], channel=1, day=day)
        self._admit(people[~by_share], recruiter[~by_share], channel=2, day=day)
        self._totals["share_joins"] += int(by_share.sum())
        day.add("joined_by_share", int(by_share.sum()))

    def _tally_value(self, day: _Day) -> None:
        s, n = self.state, self.state.n
        value = np.zeros(n)
        m = day.member_posts.size
        value[:m] += day.member_posts + day.replies_made + day.sharers
        np.add.at(value, day.answers_by, 1)
        slot = day.t % s.value_ring.shape[0]
        s.value_window[:n] += value - s.value_ring[slot, :n]
        s.value_ring[slot, :n] = value

    def _leaving(self, day: _Day) -> None:
        p, s, n = self.params, self.state, self.state.n
        relevance = self._content_relevance()
        left, inactive = rules.draw_leavers(
            s.engagement[:n], s.alive[:n], s.complaint_open[:n], day.t - s.last_visit[:n],
            leave_rate=p.leave_rate, complaint_leave_risk=p.complaint_leave_risk,
            inactive_days=p.inactive_days, rng=self.rng, read_share=day.read_share,
            overload_leave_risk=p.overload_leave_risk, relevance=relevance,
            irrelevance_leave_risk=p.irrelevance_leave_risk)
        self._remove(np.flatnonzero(left), reason=1, day=day)
        self._remove(np.flatnonzero(inactive), reason=2, day=day)
        day.add("left", int(left.sum() + inactive.sum()))

    def _content_relevance(self) -> np.ndarray:
        """Relevance of the last days' posts (members' binned, the organiser's at the niche
        centre) to each member row (rules.content_relevance)."""
        p, s, n = self.params, self.state, self.state.n
        centres = np.append((np.arange(RELEVANCE_BINS) + 0.5) / RELEVANCE_BINS, p.niche_center)
        weights = np.append(self._topic_ring.sum(axis=0), self._organiser_ring.sum())
        rel = rules.content_relevance(s.interest[:n], centres, weights, p.relevance_width)
        alive = s.alive[:n]
        self._relevance_mean = float(rel[alive].mean()) if alive.any() else 1.0
        return rel

    def _interest_replacement(self, day: _Day) -> None:
        p, s = self.params, self.state
        if not (p.pruning and self.organiser.active and day.t % p.prune_interval == 0):
            return
        rows = s.alive_rows()
        pruned = rules.select_pruned(rows, s.value_window[rows], day.t - s.joined_step[rows],
                                     threshold=p.prune_threshold, fraction=p.prune_fraction,
                                     min_tenure=p.value_window, rng=self.rng)
        self._remove(pruned, reason=3, day=day)
        day.add("pruned", pruned.size)
        candidates = self.niche_audience[self.status[self.niche_audience] == 0]
        invited = self.rng.permutation(candidates)[: min(pruned.size, day.invite_quota)]
        day.invites += invited.size
        self.organiser.invites += invited.size
        accepted = invited[self.rng.random(invited.size) < p.invite_acceptance]
        accepted, recruiter = self._apply_cap(accepted, np.full(accepted.size, -1), day)
        self._admit(accepted, recruiter, channel=3, day=day)

    def _costs(self, day: _Day) -> None:
        p = self.params
        spend = (day.organiser_posts * p.cost_per_post + day.organiser_answers * p.cost_per_answer
                 + day.invites * p.cost_per_invite + day.tie_hours * p.cost_per_hour
                 + day.counts.get("paid_spend", 0.0))
        if day.t > 0 and self.organiser.active:
            spend += p.daily_fixed_cost
        day.counts["spend_today"] = spend
        self._totals["spend"] += spend
        self._mass_media(spend)

    # ================================================================== mass media
    def _setup_media(self) -> None:
        levels = np.round(self.match * 63).astype(np.int64)
        self._media_levels = np.arange(64) / 63.0
        self._media_left = np.bincount(levels, minlength=64)
        self._media_potential = float(self.match.sum())
        self._media_adopters = 0

    def _mass_media(self, spend: float) -> None:
        """Spend the same money on one-way ads (rules.media_adoption, a Bass process)."""
        p = self.params
        impressions = spend / p.media_cpm * 1000.0
        self._totals["media_impressions"] += impressions
        new = rules.media_adoption(self._media_left, self._media_levels, self._media_adopters,
                                   self._media_potential, impressions, self.market.size,
                                   p.media_conversion, p.media_imitation / 30.0, self.media_rng)
        self._media_left -= new
        self._media_adopters += int(new.sum())

    # ================================================================== membership
    def _initial_people(self) -> np.ndarray:
        p = self.params
        if p.initial_people is not None:
            people = np.unique(self.market.index_of(p.initial_people))
            return people[: p.max_members]
        count = min(p.initial_members, self.market.size)
        # weighted sampling without replacement (Efraimidis & Spirakis 2006): the organiser
        # invites people in proportion to their interest match
        keys = np.log(np.maximum(self.match, 1e-300)) + self.rng.gumbel(size=self.market.size)
        return np.sort(np.argpartition(-keys, count - 1)[:count])

    def _apply_cap(self, people: np.ndarray, recruiter: np.ndarray,
                   day: _Day) -> tuple[np.ndarray, np.ndarray]:
        free = max(self.params.max_members - self.member_count, 0)
        if people.size > free:
            keep = np.sort(self.rng.permutation(people.size)[:free])
            day.add("turned_away", people.size - free)
            return people[keep], recruiter[keep]
        return people, recruiter

    def _admit(self, people: np.ndarray, recruiter: np.ndarray, channel: int, day: _Day) -> None:
        """Make ``people`` (market ids) members: new rows, Mesa agents, cells and ties."""
        k = people.size
        if k == 0:
            return
        p, s = self.params, self.state
        pool = s.alive_rows()
        rows = s.add_rows(k)
        s.person[rows] = people
        s.alive[rows] = True
        s.joined_step[rows] = day.t
        s.last_visit[rows] = day.t
        has = recruiter >= 0
        s.recruiter[rows] = np.where(has, s.uid[np.maximum(recruiter, 0)], -1)
        s.generation[rows] = np.where(has, s.generation[np.maximum(recruiter, 0)] + 1, 0)
        self._totals["recruiters"] += distinct_count(recruiter[has][s.recruits[recruiter[has]] == 0])
        np.add.at(s.recruits, recruiter[has], 1)
        self._totals["generations"] = max(self._totals["generations"], int(s.generation[rows].max()))
        s.channel[rows] = channel
        s.reason[rows] = 0
        s.interest[rows] = self.market.interest[people]
        s.engagement[rows] = np.clip(self.rng.normal(p.initial_engagement, 0.1, size=k), 0.01, 1.0)
        s.activity[rows] = self.rng.lognormal(0.0, p.activity_sigma, size=k)
        s.organiser_tie[rows] = self.rng.random(k) < p.centre_strength
        s.posts[rows] = s.replies[rows] = s.replies_received[rows] = 0
        s.shares[rows] = s.answers[rows] = s.recruits[rows] = s.posts_after_first[rows] = 0
        self.status[people] = 1

        # ties: to the recruiter, and to a few members with similar interests
        if channel == 0:  # the founding members tie among themselves
            pool, exclude = rows, rows
        else:
            exclude = recruiter
        owner, partner = rules.pick_homophilous_ties(
            s.interest[rows], pool, s.interest[pool], p.member_ties, self.rng, exclude=exclude)
        a = np.concatenate([rows[has], rows[owner]])
        b = np.concatenate([recruiter[has], partner])
        if channel == 0:  # each founding pair once
            a, b = np.minimum(a, b), np.maximum(a, b)
            code = np.unique(a * s.n + b)
            a, b = code // s.n, code % s.n
        s.add_ties(a, b)

        for row in rows.tolist():
            agent = Member(self, row)
            s.uid[row] = agent.unique_id
            self._agents.append(agent)
            self._member_by_uid[agent.unique_id] = agent
        self._totals["joined"] += k
        day.add("joined", k)

    def _remove(self, rows: np.ndarray, reason: int, day: _Day) -> None:
        """Members at ``rows`` leave: recorded in the arrays, removed from Mesa and the network."""
        if rows.size == 0:
            return
        s = self.state
        s.alive[rows] = False
        s.left_step[rows] = day.t
        s.reason[rows] = reason
        s.complaint_open[rows] = False
        self.status[s.person[rows]] = 2
        s.drop_ties_of(rows)
        for row in rows.tolist():
            agent = self._agents[row]
            agent.remove()
            self._agents[row] = None
            del self._member_by_uid[agent.unique_id]

    def _compact_if_sparse(self) -> None:
        """Archive departed members once they outnumber current ones (amortised O(1) a day)."""
        s = self.state
        alive = self.member_count
        if s.n - alive < max(256, alive):
            return
        keep = np.flatnonzero(s.alive[: s.n])
        placed = np.zeros(s.n, dtype=bool)
        placed[: self._has_cell.size] = self._has_cell
        # departed members still on the Mesa network lose their cells at the next sync
        self._stale_cells.extend(s.uid[: s.n][placed & ~s.alive[: s.n]].tolist())
        self._has_cell = placed
        s.compact()
        self._agents = [self._agents[row] for row in keep.tolist()]
        for row, agent in enumerate(self._agents):
            agent.row = row
        self._has_cell = self._has_cell[keep]
        resolved = np.zeros(s.alive.size)
        resolved[: self._resolved_yesterday.size] = self._resolved_yesterday
        self._resolved_yesterday = resolved[keep]

    # ================================================================== the Mesa network
    @property
    def network(self) -> Network:
        """The group as a Mesa ``Network`` space (organiser and members, node id = unique_id).

        The rules work on the tie arrays; this view is brought up to date from them when it is
        read, so runs that never look at it (sweeps, benchmarks) pay nothing for it.
        """
        self._sync_network()
        return self._network

    def _sync_network(self) -> None:
        s, n = self.state, self.state.n
        placed = np.zeros(n, dtype=bool)
        placed[: self._has_cell.size] = self._has_cell
        alive = s.alive[:n]
        gone, new = np.flatnonzero(placed & ~alive), np.flatnonzero(alive & ~placed)
        if gone.size == 0 and new.size == 0 and not self._stale_cells:
            return
        net, cells = self._network, self._network._cells
        for uid in s.uid[gone].tolist() + self._stale_cells:
            net.remove_cell(cells[uid])
        self._stale_cells = []
        placed[gone] = False
        for row in new.tolist():
            agent = self._agents[row]
            cell = self._new_cell(agent.unique_id)
            cell.add_agent(agent)
            agent._mesa_cell = cell
        placed[new] = True
        # every tie involves a member who joined after the last sync: connect new rows
        owner, partner = s.neighbours(new)
        a, b = new[owner], partner
        keep = ~placed[b] | ~np.isin(b, new) | (a < b)  # both new: connect each pair once
        keep = placed[b] & keep
        for x, y in zip(s.uid[a[keep]].tolist(), s.uid[b[keep]].tolist()):
            net.add_connection(cells[x], cells[y])
        org = self.organiser.cell
        for x in s.uid[new[s.organiser_tie[new]]].tolist():
            net.add_connection(cells[x], org)
        self._has_cell = placed

    def _new_cell(self, node_id: int) -> Cell:
        cell = Cell(node_id, random=self.random)
        self._network.add_cell(cell)
        return cell

    # ================================================================== outputs
    @property
    def member_count(self) -> int:
        """Current members."""
        return int(self.state.alive[: self.state.n].sum())

    def member_at(self, row: int) -> Member | None:
        """The Mesa agent of member row ``row`` (None once it has left)."""
        return self._agents[row]

    def member_by_id(self, unique_id: int) -> Member | None:
        """The current member with this ``unique_id`` (None if it left or never was)."""
        return self._member_by_uid.get(unique_id)

    def _record(self, day: _Day) -> None:
        p, s, n, t = self.params, self.state, self.state.n, day.t
        c, tot = day.counts, self._totals
        rows = s.alive_rows()
        e = s.engagement[rows]
        posts = s.posts[rows]
        tenure = t - s.joined_step[rows]
        lurk, contrib, heavy = participation_split(posts, tenure)
        members = rows.size
        engaged = int((e >= ENGAGED).sum())
        org_tied = s.organiser_tie[rows]
        degrees = np.append(s.alive_degree[rows] + org_tied, org_tied.sum())
        activity_total = (c.get("member_posts", 0) + day.organiser_posts + c.get("replies", 0)
                          + c.get("complaints_answered", 0))
        organiser_content = day.organiser_posts + day.organiser_answers + day.organiser_replies
        hours = (day.organiser_posts * p.hours_per_post + day.organiser_answers * p.hours_per_answer
                 + (day.invites * p.hours_per_invite if t > 0 else 0.0) + day.tie_hours)
        row = {
            "step": t,
            "members": members,
            "joined": int(c.get("joined", 0)),
            "joined_by_share": int(c.get("joined_by_share", 0)),
            "left": int(c.get("left", 0)),
            "pruned": int(c.get("pruned", 0)),
            "turned_away": int(c.get("turned_away", 0)),
            "active_members": int((s.value_window[rows] > 0).sum()),
            "posts": int(c.get("member_posts", 0) + day.organiser_posts),
            "organiser_posts": day.organiser_posts,
            "member_posts": int(c.get("member_posts", 0)),
            "replies": int(c.get("replies", 0)),
            "shares": int(c.get("shares", 0)),
            "exposures": int(c.get("exposures", 0)),
            "paid_exposures": int(c.get("paid_exposures", 0)),
            "total_exposures": tot["exposures"],
            "unique_reach": tot["unique_reach"],
            "conversion_rate": _ratio(tot["share_joins"], tot["share_exposures"]),
            "mean_engagement": float(e.mean()) if members else 0.0,
            "engagement_sd": float(e.std()) if members else 0.0,
            "engaged_members": engaged,
            "complaints_new": int(c.get("complaints_new", 0)),
            "complaints_open": int(s.complaint_open[rows].sum()),
            "complaints_answered": int(c.get("complaints_answered", 0)),
            "member_answers": int(c.get("member_answers", 0)),
            "mean_answer_delay": c.get("mean_answer_delay", float("nan")),
            "organiser_content_share": _ratio(organiser_content, activity_total),
            "organiser_effort": organiser_content + day.invites,
            "organiser_hours": hours,
            "organiser_attention": day.attention,
            "organiser_replies": day.organiser_replies,
            "message_volume": day.volume,
            "read_share": day.read_share,
            "content_relevance": self._relevance_mean,
            "centralization": degree_centralization(degrees),
            "participation_gini": gini(posts),
            "lurker_share": lurk,
            "contributor_share": contrib,
            "heavy_share": heavy,
            "top1_post_share": top_share(posts, 0.01),
            "topic_entropy": entropy_bits(
                self._topic_ring.sum(axis=0).reshape(TOPIC_BINS, -1).sum(axis=1)),
            "niche_share": float((self.niche_match[s.person[rows]] >= NICHE_MATCH).mean())
            if members else 0.0,
            "generations": tot["generations"],
            "recruits_per_recruiter": _ratio(tot["share_joins"], tot["recruiters"]),
            "mean_offspring": _ratio(tot["share_joins"], tot["joined"]),
            "spend_today": c.get("spend_today", 0.0),
            "spend": tot["spend"],
            "cost_per_member": _ratio(tot["spend"], tot["joined"]),
            "cost_per_engaged_member": _ratio(tot["spend"], engaged),
            "media_members": self._media_adopters,
            "media_spend": tot["spend"],
            "media_impressions": tot["media_impressions"],
            "media_cost_per_member": _ratio(tot["spend"], self._media_adopters),
        }
        self._rows.append(row)

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per day (step 0 is the initial state); columns: :data:`OUTPUT_COLUMNS`."""
        return pd.DataFrame(self._rows, columns=list(OUTPUT_COLUMNS))

    @property
    def datacollector(self) -> _DailyTable:
        """Mesa-style access to the daily table (``get_model_vars_dataframe()``), so Mesa's
        own plotting components work with this model."""
        return _DailyTable(self)

    def latest(self) -> dict[str, float]:
        """The most recent row of :meth:`to_frame`, as a dict."""
        return dict(self._rows[-1])

    _MEMBER_FIELDS = ("uid", "person", "joined_step", "left_step", "reason", "channel",
                      "recruiter", "generation", "engagement", "activity", "interest",
                      "organiser_tie", "posts", "replies", "replies_received", "shares",
                      "answers", "recruits", "first_post_step", "first_post_replies",
                      "posts_after_first", "value_window", "alive")

    def members_frame(self) -> pd.DataFrame:
        """One row per person who ever joined, in joining order: final state, how and when
        they came and went, who recruited them (``recruiter_id``, -1 = the organiser)."""
        v = self.state.all_rows(self._MEMBER_FIELDS)
        order = np.argsort(v["uid"], kind="stable")
        v = {name: values[order] for name, values in v.items()}
        labels = self.market.labels
        person = v["person"]
        return pd.DataFrame({
            "member_id": v["uid"],
            "person": person if labels is None else [labels[i] for i in person],
            "joined_step": v["joined_step"],
            "left_step": np.where(v["alive"], -1, v["left_step"]),
            "status": [LEAVE_REASONS[int(r)] for r in v["reason"]],
            "channel": [CHANNELS[int(c)] for c in v["channel"]],
            "recruiter_id": v["recruiter"],
            "generation": v["generation"],
            "engagement": v["engagement"],
            "activity": v["activity"],
            "interest": v["interest"],
            "niche_match": self.niche_match[person],
            "tied_to_organiser": v["organiser_tie"],
            "posts": v["posts"],
            "replies": v["replies"],
            "replies_received": v["replies_received"],
            "shares": v["shares"],
            "answers": v["answers"],
            "recruits": v["recruits"],
            "first_post_step": v["first_post_step"],
            "first_post_replies": v["first_post_replies"],
            "posts_after_first": v["posts_after_first"],
            "value_window": v["value_window"],
        })

    def recruitment_tree(self) -> nx.DiGraph:
        """Who brought whom: edges recruiter -> recruit; the organiser (node ``"organiser"``)
        is the root of the founding, paid and invited members."""
        table = self.members_frame()
        tree = nx.DiGraph()
        tree.add_node("organiser", generation=-1)
        for member, generation, channel, status in zip(
                table["member_id"].tolist(), table["generation"].tolist(),
                table["channel"].tolist(), table["status"].tolist()):
            tree.add_node(member, generation=generation, channel=channel,
                          alive=status == "member")
        for member, recruiter in zip(table["member_id"].tolist(), table["recruiter_id"].tolist()):
            tree.add_edge("organiser" if recruiter < 0 else recruiter, member)
        return tree

    def network_view(self) -> dict[str, np.ndarray]:
        """Arrays for drawing the group: organiser first, then members; ties as node-id pairs."""
        s = self.state
        rows = s.alive_rows()
        org = self.organiser.unique_id
        owner, partner = s.neighbours(rows)
        a, b = s.uid[rows[owner]], s.uid[partner]
        keep = a < b
        member_edges = np.column_stack([a[keep], b[keep]])
        tied = s.uid[rows[s.organiser_tie[rows]]]
        org_edges = np.column_stack([np.full(tied.size, org), tied])
        return {
            "node_id": np.concatenate([[org], s.uid[rows]]),
            "is_organiser": np.concatenate([[True], np.zeros(rows.size, dtype=bool)]),
            "engagement": np.concatenate([[1.0], s.engagement[rows]]),
            "activity": np.concatenate([[float(s.activity[rows].max()) if rows.size else 1.0],
                                        s.activity[rows]]),
            "newcomer": np.concatenate(
                [[False], self.steps - s.joined_step[rows] < self.params.newcomer_days]),
            "edges": np.concatenate([org_edges, member_edges]).astype(np.int64).reshape(-1, 2),
        }


class _DailyTable:
    """The part of ``mesa.DataCollector``'s interface that readers use."""

    def __init__(self, model: CommunityModel):
        self._model = model

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return self._model.to_frame().set_index("step")


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")
