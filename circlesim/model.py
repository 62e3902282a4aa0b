"""``CommunityModel``: an organiser, a small online group and the market around it.

Read :meth:`CommunityModel.step` first: it is the schedule of one day (docs/odd.md §3), each
line one rule from ``rules.py`` applied to the member arrays in ``state.py``. The rest of this
file is bookkeeping: admitting and removing members, the Mesa agents and network, the costs.
The daily record and the member tables are in ``outputs.py``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.agent import AgentSet
from mesa.discrete_space import Cell, Network

from . import day as dayrules
from . import rules
from .agents import Member, Organiser
from .kernels import PeopleTable, seed_state
from .market import Market, LazyMarket, build_market, interest_match
from . import outputs as out
from .outputs import (ENGAGED, NICHE_MATCH, OUTPUT_COLUMNS, TOPIC_WINDOW,
                      DailyRecord, DailyTable, members_frame, network_view,
                      recruitment_tree)
from .parameters import ParameterError, Parameters, check_parameters
from .state import Channel, LeaveReason, MemberState, admit_members, retire_members

__all__ = ["CommunityModel", "OUTPUT_COLUMNS", "ENGAGED", "NICHE_MATCH"]

_EMPTY = np.empty(0, dtype=np.int64)
_EMPTY_F = np.empty(0)


class _Day:
    """Scratch record of one day: today's draws and counters, filled step by step.

    ``visited``, ``member_posts``, ``replies_made``, ``answers_by``: arrays over member rows;
    ``read``: what members saw and received (step 3), ``engagement_before``: engagement before
    step 4 (kept only for a probe, ``_keep_reading``); ``sharer_rows``: today's sharers, then -1
    for paid exposures; ``exposed``/``exposed_by``: market people reached, one per exposure,
    and the position of its sharer; ``c``: today's counters, indexed by the ``outputs.C_*``
    constants (``outputs.COUNTERS``).
    """

    __slots__ = ("t", "active", "visited", "member_posts", "replies_made", "sharer_rows",
                 "answers_by", "read", "engagement_before", "exposed", "exposed_by",
                 "organiser_posts", "organiser_answers", "invites", "c", "answer_quota",
                 "invite_quota", "attention", "tie_hours")

    def __init__(self, t: int, active: bool = True):
        self.t = t
        self.active = active  # the organiser acts today
        self.organiser_posts = self.organiser_answers = self.invites = 0
        self.answer_quota = self.invite_quota = 0  # what the attention budget allows today
        self.attention = 1.0      # share of tied members attended
        self.tie_hours = 0.0      # organiser hours on tied members today
        self.c = None  # set by the call that takes the day (day.new_counters)

    def take_plan(self, report: np.ndarray) -> None:
        """The organiser's plan for today from the report of day.morning (day.MORNING): the
        answer and invitation quotas, the share of tied members attended and their hours."""
        plan = report.tolist()
        self.answer_quota = int(plan[dayrules.M_ANSWER_QUOTA])
        self.invite_quota = int(plan[dayrules.M_INVITE_QUOTA])
        self.attention = plan[dayrules.M_ATTENTION]
        self.tie_hours = plan[dayrules.M_TIE_HOURS]


def _task_hours(params: Parameters) -> np.ndarray:
    """Hours per unit of the organiser's tasks, in priority order (rules.allocate_attention)."""
    return np.array([params.hours_per_post, params.hours_per_answer, params.hours_per_invite],
                    dtype=np.float64)


def _prices(params: Parameters) -> np.ndarray:
    """The prices and hours step 10 reads (day.PRICES)."""
    prices = {**params.values, "media_imitation_per_day": params.media_imitation / 30.0}
    return np.array([prices[name] for name in dayrules.PRICES], dtype=np.float64)


class CommunityModel(mesa.Model):
    """Agent-based model of community marketing (see ``docs/odd.md``).

    Parameters
    ----------
    scenario : str, path or mesa Scenario, default "baseline"
        A preset name or a scenario TOML file (its parameters are the starting point), or a
        ``mesa.experimental.scenarios.Scenario`` (e.g. :class:`circlesim.interop.CommunityScenario`)
        whose attributes are parameters. The preset's name is ``model.scenario_name``;
        ``model.scenario`` keeps Mesa's meaning (the Scenario of this run).
    rng : int, numpy SeedSequence or Generator, optional
        Seed. The same seed gives the same run.
    memory_limit : int, optional
        Bytes the run may use; the parameter set is refused before anything is built if its
        estimate (:func:`circlesim.budget.estimate_memory`) exceeds it. Default: half the
        available memory.
    **parameters
        Overrides, any key of :data:`circlesim.parameters.PARAMETERS`.

    Raises
    ------
    ParameterError
        For an unknown key or an invalid value (one line naming the key and range), or a
        parameter set over the memory budget (:class:`circlesim.budget.MemoryBudgetError`).

    Examples
    --------
    >>> model = CommunityModel(rng=1, centre_strength=0.8)
    >>> model.run(30)
    >>> model.to_frame()[["step", "members", "unique_reach"]].tail(1)  # doctest: +SKIP
    """

    #: keep what members read and their engagement before step 4 in ``_Day`` (a probe's need)
    _keep_reading = False

    def __init__(self, scenario: Any = "baseline", rng: Any = None,
                 memory_limit: int | None = None, **parameters: Any):
        from .interop import resolve_scenario

        name, base, mesa_scenario, rng = resolve_scenario(scenario, rng)
        params = check_parameters(None, memory_limit, **{**base, **parameters})
        super().__init__(rng=rng, scenario=mesa_scenario)
        self.scenario_name = name
        self.params = params
        #: the random stream of the mass-media arm (apart, so media draws leave the group's alone)
        self.media_rs = seed_state(np.random.default_rng(self.rng.integers(2**63)))

        self.market: Market | LazyMarket = build_market(params, self.rng)
        #: the niche audience (match >= 0.5): who paid exposures and invitations reach
        self.audience = self.market.audience(params.niche_center, params.niche_width)
        #: flags of the market people touched so far: member, former member, exposed
        self.people = PeopleTable()
        #: the random stream of the compiled rules (independent of any other model)
        self.rs = seed_state(self.rng)
        #: hours per unit of the organiser's tasks, in priority order (rules.allocate_attention)
        self._task_hours = _task_hours(params)
        a = self.audience
        self._audience_args = (a.lo, a.hi, a.ids if a.ids is not None else _EMPTY)
        #: the market as the compiled rules read it: its numbers (day.MARKET_INTS,
        #: MARKET_FLOATS) and, for a loaded market, its friend lists and interests
        m = self.market
        if m.lazy:
            self._market_ints = np.array([1, m.seed, m.size, m.topics], dtype=np.int64)
            self._market_floats = np.array([m.friends_mean, m.homophily, m.scale, m.spread,
                                            m.centre], dtype=np.float64)
            self._market_arrays = (_EMPTY, _EMPTY, _EMPTY_F)
        else:
            self._market_ints = np.array([0, 0, m.size, 1], dtype=np.int64)
            self._market_floats = np.array([0.0, 0.0, 1.0, 0.0, 0.0], dtype=np.float64)
            self._market_arrays = (m.indptr, m.indices.astype(np.int64), m.interest)

        self.state = MemberState(
            capacity=max(64, 2 * params.initial_members), value_window=params.value_window
        )
        self._alive = 0
        self._agents: list[Member | None] = []  # by row; None until materialised or once gone
        self._pending: list[int] = []  # rows of members whose Mesa agent is not created yet
        self._member_by_uid: dict[int, Member] = {}
        self._network = Network(nx.Graph(), layout=None, random=self.random)
        self._has_cell = np.zeros(0, dtype=bool)  # member rows placed on the Mesa network
        self._stale_cells: list[int] = []  # unique_ids of archived members still placed
        self.organiser = Organiser(self)
        self.organiser.cell = self._new_cell(self.organiser.unique_id)

        self._topic_ring = np.zeros((TOPIC_WINDOW, out.RELEVANCE_BINS))
        self._organiser_ring = np.zeros(TOPIC_WINDOW)
        self._replies_yesterday = 0
        self._exposures_before = 0.0  # running total of exposures before today (whole_day)
        #: the parameters the day's compiled calls read (day.DAY_PARAMETERS)
        self._day_parameters = dayrules.day_parameters(params.values)
        #: running totals, indexed by the ``outputs.T_*`` constants (``outputs.TOTALS``)
        self.totals = np.zeros(len(out.TOTALS))
        self._setup_media()
        self.record = DailyRecord()
        #: what day.whole_day reads that does not change during a run (arrays change in place)
        self._whole_day_args = (
            self._day_parameters, self._task_hours, self._topic_ring, self._organiser_ring,
            self._market_ints, self._market_floats, *self._market_arrays, *self._audience_args,
            self._prices, self._media_left, self._media_levels, self._media_potential,
            self.media_rs, self.totals, self.rs)

        first = self._initial_people()
        day = _Day(0, self.organiser.active)
        day.c = dayrules.new_counters()
        self._admit(first, np.full(first.size, -1), Channel.INITIAL, day)
        self.organiser.invites += first.size
        day.invites = first.size
        self._night(day)

    @property
    def params(self) -> Parameters:
        """The parameters of this run (:class:`circlesim.parameters.Parameters`)."""
        return self._params

    @params.setter
    def params(self, value: Parameters) -> None:
        """Replace the parameters from the next day on (a what-if arm: ``model.params =
        model.params.replace(organiser_posts=6)``). The arrays the compiled day reads follow;
        the market, the niche audience and the founders stay as they were built."""
        self._params = value
        if hasattr(self, "_day_parameters"):  # (in place: the day's calls hold these arrays)
            self._day_parameters[:] = dayrules.day_parameters(value.values)
            self._task_hours[:] = _task_hours(value)
            self._prices[:] = _prices(value)

    # ================================================================== the day
    def step(self) -> None:
        """One day, in the order of docs/odd.md §3 (each step's rules are named in the method
        that applies it). A day runs as one compiled call (day.whole_day, the same steps in the
        same order, up to step 8 on a pruning day); the steps it did not get to are taken
        here."""
        day = _Day(self.steps, self.organiser.active)
        reached = self._whole_day(day)
        if reached < dayrules.MORNING_DONE:
            self._morning(day)          # 1. members hit problems and complain
                                        # 2. members visit and post; the organiser posts
                                        # 3. neighbours read and reply
                                        # 4. engagement moves with tone, replies and decay
                                        # 5. members and the organiser answer complaints
                                        # 6. shares reach outside friends (+ paid seeding)
        if reached < dayrules.EVENING_DONE:
            self._recruiting(day)       # 7. exposed outsiders join, up to the cap
            self._leaving(day)          #    value produced today enters the window
                                        # 8. disengaged and long-absent members go
        if reached < dayrules.DAY_DONE:
            self._interest_replacement(day)  # 9. pruning and replacement invitations
            self._night(day)            # 10. spend, and the mass-media baseline; the record
        self._compact_if_sparse()

    def run(self, steps: int, progress: Callable[[CommunityModel], None] | None = None) -> None:
        """Run ``steps`` days (a whole number >= 0); call ``progress(model)`` after each."""
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) \
                and not (isinstance(steps, float) and steps.is_integer()):
            raise ParameterError("steps", f"steps={steps!r} is invalid: allowed a whole number "
                                          "of days from 0")
        if steps < 0:
            raise ParameterError("steps", f"steps={steps} is out of range: allowed a whole "
                                          "number of days from 0")
        if progress is None:
            self.run_for(int(steps))  # Mesa's own clock: one step() per time unit
            return
        for _ in range(int(steps)):
            self.step()
            progress(self)

    # ================================================================== rules applied
    def _whole_day(self, day: _Day) -> int:
        """Steps 1-10 in one compiled call (day.whole_day), steps 1-8 on a pruning day (unless
        a probe reads the day's middle); returns how far it got (day.NOT_STARTED,
        MORNING_DONE, EVENING_DONE or DAY_DONE), with what the next steps need set on
        ``day``."""
        if self._keep_reading:
            day.c = dayrules.new_counters()  # the steps one call each
            return dayrules.NOT_STARTED
        p, s, people = self.params, self.state, self.people
        pruning_day = self._pruning_day(day)
        invites = self._planned_invites(pruning_day)
        fixed = p.daily_fixed_cost if day.t > 0 and day.active else 0.0
        # room ahead for twice yesterday's exposures, so that the call rarely stops early to
        # grow the arrays (growing earlier changes no result: rows and table slots are only
        # looked up, never iterated in table order)
        exposures = self.totals[out.T_EXPOSURES]
        free = self._room_for(2 * int(exposures - self._exposures_before) + 16)
        self._exposures_before = exposures
        start = s.n
        (reached, n, s.ties, posts, answers, replies, departures, departed, c, visited,
         member_posts, made, answers_by, sharer_rows, exposed, exposed_by,
         report) = dayrules.whole_day(
            s.floats, s.ints, s.bools, s.ties, s.value_ring, people.slots,
            people.count, *self._whole_day_args, start, day.t, day.active, free,
            self.agent_id_counter, self._replies_yesterday, fixed, self.record.pending_row(),
            bool(self._member_by_uid), invites, pruning_day)
        self.organiser.posts += posts
        self.organiser.answers += answers
        self._replies_yesterday = replies
        self._joined(start, n)
        if reached >= dayrules.EVENING_DONE:  # today's leavers are retired in the arrays
            self._alive -= departures
            if departed is not None:
                self._forget_agents(departed, counted=True)
            if reached == dayrules.DAY_DONE:
                self.record.keep_row()
                return reached
        # stopped early: what the remaining steps read
        day.c = c
        day.organiser_posts, day.organiser_answers = posts, answers
        day.take_plan(report)
        day.visited, day.member_posts, day.replies_made = visited, member_posts, made
        day.answers_by, day.sharer_rows = answers_by, sharer_rows
        day.exposed, day.exposed_by = exposed, exposed_by
        return reached

    def _pruning_day(self, day: _Day) -> bool:
        """Whether the organiser prunes today (step 9)."""
        p = self.params
        return day.active and p.pruning and day.t % p.prune_interval == 0

    def _planned_invites(self, pruning_day: bool) -> int:
        """The invitations the organiser plans its attention for today: on a pruning day the
        pruned share of the group, replaced in step 9; none on other days."""
        if pruning_day:
            return int(math.floor(self.params.prune_fraction * self._alive))
        return 0

    def _room_for(self, exposures: int) -> int:
        """Room in the people table and the member rows for the joiners ``exposures``
        exposures can bring, up to the cap; returns the places left under the cap."""
        free = max(self.params.max_members - self._alive, 0)
        self.people.reserve(exposures)
        self.state.reserve(min(exposures, free))
        return free

    def _morning(self, day: _Day) -> None:
        """Steps 1-6 in one compiled call (day.morning), in order: problems
        (rules.draw_problems); members visit and post, the organiser posts and plans its day
        (rules.draw_visits, rules.draw_member_posts, rules.organiser_posting,
        rules.allocate_attention, rules.tie_attention, rules.draw_attended); information
        overload, neighbours read and reply, the organiser replies to attended tied members
        (rules.read_share, rules.read_and_reply, rules.organiser_replies_members);
        engagement moves (rules.update_engagement); complaints are answered
        (rules.answer_complaints); shares reach outside friends, plus paid exposures
        (rules.draw_sharers, rules.spread_shares, rules.paid_exposures)."""
        p, s = self.params, self.state
        invites = self._planned_invites(self._pruning_day(day))
        slot = day.t % TOPIC_WINDOW
        (day.visited, day.member_posts, day.replies_made, day.answers_by, day.sharer_rows,
         day.exposed, day.exposed_by, report, seen, tone_sum, received, before) = \
            dayrules.morning(s.floats, s.ints, s.bools, s.ties, s.n, day.t, day.active, invites,
                             self._day_parameters, self._task_hours, self._topic_ring[slot],
                             self._replies_yesterday, self._market_ints, self._market_floats,
                             *self._market_arrays[:2], *self._audience_args, day.c, self.totals,
                             self._keep_reading, self.rs)
        day.organiser_posts = int(report[dayrules.M_ORGANISER_POSTS])
        day.organiser_answers = int(report[dayrules.M_ORGANISER_ANSWERS])
        day.take_plan(report)
        day.read = rules.ReadResult(seen, tone_sum, day.replies_made, received, 0)
        day.engagement_before = before
        self.organiser.posts += day.organiser_posts
        self.organiser.answers += day.organiser_answers
        self._organiser_ring[slot] = day.organiser_posts
        self._replies_yesterday = int(report[dayrules.M_REPLIES])

    def _recruiting(self, day: _Day) -> None:
        """Exposed outsiders join (rules.recruit), up to the cap (rules.admit_up_to_cap), and
        become members (their draws, rows and ties: state.admit_members): one compiled call
        (day.recruiting). Their Mesa agents are created when first looked at."""
        s, people = self.state, self.people
        free = self._room_for(day.exposed.size)
        start = s.n
        n, s.ties = dayrules.recruiting(
            s.floats, s.ints, s.bools, s.ties, start, day.t, day.exposed, day.exposed_by,
            day.sharer_rows, people.slots, people.count, self._market_ints,
            self._market_floats, self._market_arrays[2], free, self.agent_id_counter,
            self._day_parameters, day.c, self.totals, self.rs)  # (ties widened if need be)
        self._joined(start, n)

    def _joined(self, start: int, n: int) -> None:
        """Rows ``start ... n - 1``, filled by a compiled call (state.admit_members, Mesa ids
        from ``agent_id_counter`` on), are today's joiners: in use and counted, their Mesa ids
        taken; their Mesa agents are created when first looked at."""
        k = n - start
        if k == 0:
            return
        self.state.use_rows(k)
        self._alive += k
        self.agent_id_counter += k
        self._agents.extend([None] * k)
        self._pending.extend(range(start, n))

    def _leaving(self, day: _Day) -> None:
        """Today's value enters the window; the relevance of the last days' posts to each
        member (rules.member_relevance: members' posts binned, the organiser's at the niche
        centre), then who leaves (rules.draw_leavers): one compiled call (day.evening)."""
        s, people = self.state, self.people
        left, inactive = dayrules.evening(
            s.floats, s.ints, s.bools, s.ties, s.value_ring, s.n, day.t, day.member_posts,
            day.replies_made, day.sharer_rows, day.answers_by, day.visited, self._topic_ring,
            self._organiser_ring, float(day.c[out.C_READ_SHARE]), self._day_parameters,
            people.slots, people.count, day.c, self.rs)
        self._forget_agents(left)
        self._forget_agents(inactive)

    def _interest_replacement(self, day: _Day) -> None:
        p, s = self.params, self.state
        if not self._pruning_day(day):
            return
        rows = s.alive_rows()
        pruned = rules.select_pruned(rows, s.value_window[rows], day.t - s.joined_step[rows],
                                     p.prune_threshold, p.prune_fraction, p.value_window,
                                     self.rs)
        self._remove(pruned, LeaveReason.PRUNED, day)
        day.c[out.C_PRUNED] = pruned.size
        invited = rules.draw_invitations(self.audience, self.people,
                                         min(pruned.size, day.invite_quota), self.rng)
        day.invites += invited.size
        self.organiser.invites += invited.size
        accepted = rules.accept_invitations(invited, p.invite_acceptance, self.rng)
        accepted, recruiter = self._apply_cap(accepted, np.full(accepted.size, -1), day)
        self._admit(accepted, recruiter, Channel.INVITE, day)

    def _night(self, day: _Day) -> None:
        """Step 10, the day's spend and the organiser's hours (rules.daily_spend), and the same
        money spent on one-way ads (rules.media_adoption, a Bass process); then the day's row
        of the daily table: one compiled call (day.night)."""
        p = self.params
        fixed = p.daily_fixed_cost if day.t > 0 and day.active else 0.0
        dayrules.night(self.record.next_row(), self.state.floats, self.state.ints,
                       self.state.bools, self.state.n, day.t, day.organiser_posts,
                       day.organiser_answers, day.invites, day.tie_hours, fixed, self._prices,
                       self.market.size, self._media_left, self._media_levels,
                       self._media_potential, self.media_rs, self._day_parameters,
                       self._topic_ring, day.c, self.totals)

    # ================================================================== mass media
    def _setup_media(self) -> None:
        p = self.params
        self._media_left, self._media_potential = self.market.match_histogram(
            p.niche_center, p.niche_width, p.interest_gating)
        self._media_levels = np.arange(self._media_left.size) / (self._media_left.size - 1)
        self.totals[out.T_MEDIA_ADOPTERS] = 0
        #: prices and hours of step 10 (day.PRICES)
        self._prices = _prices(p)

    # ================================================================== membership
    def _initial_people(self) -> np.ndarray:
        p = self.params
        if p.initial_people is not None:
            people = np.unique(self.market.index_of(p.initial_people))
            return people[: p.max_members]
        return rules.choose_founders(self.market.size, p.initial_members, self._gate_match,
                                     self.rng)

    def _gate_match(self, people: np.ndarray) -> np.ndarray:
        """The match that gates joining: the niche match, or 1 without interest gating."""
        if not self.params.interest_gating:
            return np.ones(np.asarray(people).size)
        p = self.params
        return interest_match(self.market.interest_of(people), p.niche_center, p.niche_width)

    def _apply_cap(self, people: np.ndarray, recruiter: np.ndarray,
                   day: _Day) -> tuple[np.ndarray, np.ndarray]:
        free = max(self.params.max_members - self._alive, 0)
        if people.size > free:
            keep = rules.admit_up_to_cap(people.size, free, self.rs)
            day.c[out.C_TURNED_AWAY] += people.size - free
            return people[keep], recruiter[keep]
        return people, recruiter

    def _interest_args(self) -> tuple:
        """(lazy, seed, size, topics, spread, centre, interests): how the compiled rules find
        a person's interest, as numbers (state.admit_members)."""
        lazy, seed, size, topics = self._market_ints.tolist()
        spread, centre = self._market_floats[3:].tolist()
        return bool(lazy), seed, size, topics, spread, centre, self._market_arrays[2]

    def _admit(self, people: np.ndarray, recruiter: np.ndarray, channel: Channel,
               day: _Day) -> None:
        """Make ``people`` (market ids) members: new rows, Mesa agents, cells and ties."""
        k = people.size
        if k == 0:
            return
        p, s, people_table = self.params, self.state, self.people
        start = s.n
        rows = s.add_rows(k)
        people_table.reserve(k)
        a, b, new_recruiters, deepest = admit_members(
            s.floats, s.ints, s.bools, start, people.astype(np.int64),
            np.asarray(recruiter, dtype=np.int64), int(channel), day.t, p.initial_engagement,
            p.activity_sigma, p.centre_strength, p.member_ties, *self._interest_args(),
            people_table.slots, people_table.count, self.rs)
        self.totals[out.T_RECRUITERS] += new_recruiters
        self.totals[out.T_GENERATIONS] = max(self.totals[out.T_GENERATIONS], deepest)
        self._alive += k
        if channel == Channel.INITIAL:  # each founding pair once
            a, b = np.minimum(a, b), np.maximum(a, b)
            code = np.unique(a * s.n + b)
            a, b = code // s.n, code % s.n
        s.add_ties(a, b)

        # Mesa ids are reserved now; the Member agents are created when first looked at
        # (model.agents, agents_by_type, the network, member_at/by_id): runs that never look
        # (sweeps, benchmarks) do not pay for them
        s.uid[rows] = np.arange(self.agent_id_counter, self.agent_id_counter + k)
        self.agent_id_counter += k
        self._agents.extend([None] * k)
        self._pending.extend(rows.tolist())
        self.totals[out.T_JOINED] += k
        day.c[out.C_JOINED] += k

    def _remove(self, rows: np.ndarray, reason: LeaveReason, day: _Day) -> None:
        """Members at ``rows`` leave: recorded in the arrays, removed from Mesa and the network."""
        if rows.size == 0:
            return
        s, people_table = self.state, self.people
        retire_members(s.ints, s.bools, s.ties, rows, day.t, int(reason), people_table.slots,
                       people_table.count)
        self._forget_agents(rows)

    def _forget_agents(self, rows: np.ndarray, counted: bool = False) -> None:
        """Members at ``rows`` (already retired in the arrays) leave the count (unless
        ``counted``), Mesa and the network."""
        if rows.size == 0:
            return
        if not counted:
            self._alive -= rows.size
        for row in rows.tolist():
            agent = self._agents[row]
            if agent is not None:
                agent.remove()
                self._agents[row] = None
                del self._member_by_uid[agent.unique_id]

    def _compact_if_sparse(self) -> None:
        """Archive departed members once they outnumber current ones (amortised O(1) a day)."""
        s = self.state
        alive = self._alive
        if s.n - alive < max(256, alive):
            return
        keep = np.flatnonzero(s.alive[: s.n])
        placed = np.zeros(s.n, dtype=bool)
        placed[: self._has_cell.size] = self._has_cell
        # departed members still on the Mesa network lose their cells at the next sync
        self._stale_cells.extend(s.uid[: s.n][placed & ~s.alive[: s.n]].tolist())
        self._has_cell = placed
        new_row = s.compact()
        self._agents = [self._agents[row] for row in keep.tolist()]
        for row, agent in enumerate(self._agents):
            if agent is not None:
                agent.row = row
        self._pending = [int(new_row[r]) for r in self._pending if new_row[r] >= 0]
        self._has_cell = self._has_cell[keep]

    # ================================================================== the Mesa agents
    def _materialise(self) -> None:
        """Create the Mesa agents of members who joined since the last look."""
        pending = getattr(self, "_pending", None)
        if not pending:
            return
        self._pending = []
        alive, uid = self.state.alive, self.state.uid
        for row in pending:
            if alive[row] and self._agents[row] is None:
                agent = Member(self, row, int(uid[row]))
                self._agents[row] = agent
                self._member_by_uid[agent.unique_id] = agent

    @property
    def agents(self):
        """All agents (organiser and members), as Mesa's ``model.agents``."""
        self._materialise()
        return super().agents

    @property
    def agents_by_type(self):
        """Agents by type, as Mesa's ``model.agents_by_type`` (with a ``Member`` entry even when
        no member is left)."""
        self._materialise()
        by_type = super().agents_by_type
        if Member not in by_type:
            by_type = {**by_type, Member: AgentSet([], random=self.random)}
        return by_type

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
        self._materialise()
        net = self._network
        for uid in s.uid[gone].tolist() + self._stale_cells:
            net.remove_cell(net[uid])
        self._stale_cells = []
        placed[gone] = False
        for row in new.tolist():
            agent = self._agents[row]
            agent.place(self._new_cell(agent.unique_id))
        placed[new] = True
        # every tie involves a member who joined after the last sync: connect new rows
        owner, partner = s.neighbours(new)
        a, b = new[owner], partner
        keep = ~placed[b] | ~np.isin(b, new) | (a < b)  # both new: connect each pair once
        keep = placed[b] & keep
        for x, y in zip(s.uid[a[keep]].tolist(), s.uid[b[keep]].tolist()):
            net.add_connection(net[x], net[y])
        org = self.organiser.cell
        for x in s.uid[new[s.organiser_tie[new]]].tolist():
            net.add_connection(net[x], org)
        self._has_cell = placed

    def _new_cell(self, node_id: int) -> Cell:
        cell = Cell(node_id, random=self.random)
        self._network.add_cell(cell)
        return cell

    # ================================================================== outputs
    @property
    def member_count(self) -> int:
        """Current members."""
        return self._alive

    def member_at(self, row: int) -> Member | None:
        """The Mesa agent of member row ``row`` (None once it has left)."""
        self._materialise()
        return self._agents[row]

    def member_by_id(self, unique_id: int) -> Member | None:
        """The current member with this ``unique_id`` (None if it left or never was)."""
        self._materialise()
        return self._member_by_uid.get(unique_id)

    def daily_array(self) -> np.ndarray:
        """The daily table as one float array, days x :data:`OUTPUT_COLUMNS` (a read-only view;
        the columns in ``outputs.INT_COLUMNS`` hold whole numbers): what :meth:`to_frame`
        holds, without building a DataFrame (a sweep's many small runs)."""
        return self.record.array()

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per day (step 0 is the initial state); columns: :data:`OUTPUT_COLUMNS`."""
        return self.record.frame()

    @property
    def _rows(self):
        """The daily rows as a sequence of dicts (for readers of the former list of rows)."""
        view = getattr(self, "_rows_view", None)
        if view is None:
            view = self._rows_view = self.record.view()
        return view

    @property
    def datacollector(self) -> DailyTable:
        """Mesa-style access to the daily table (``get_model_vars_dataframe()``), so Mesa's
        own plotting components work with this model."""
        return DailyTable(self)

    def latest(self) -> dict[str, float]:
        """The most recent row of :meth:`to_frame`, as a dict."""
        return self.record.row(self.record.days - 1)

    def members_frame(self) -> pd.DataFrame:
        """One row per person who ever joined (see :func:`circlesim.outputs.members_frame`)."""
        return members_frame(self)

    def recruitment_tree(self) -> nx.DiGraph:
        """Who brought whom (see :func:`circlesim.outputs.recruitment_tree`)."""
        return recruitment_tree(self)

    def network_view(self) -> dict[str, np.ndarray]:
        """Arrays for drawing the group (see :func:`circlesim.outputs.network_view`)."""
        return network_view(self)
