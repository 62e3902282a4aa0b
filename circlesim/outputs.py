"""What a run reports: the daily record (one row a day) and the member and graph tables.

:func:`day_statistics` computes every member statistic of a day in one compiled pass over the
member arrays; :func:`daily_row` turns it and the day's counters into the row of
:data:`OUTPUT_COLUMNS`. :func:`members_frame`, :func:`recruitment_tree` and
:func:`network_view` read a finished (or running) model through its public attributes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
from numba import njit

from .kernels import circular_distance1, gaussian_match, sorted_counts
from .metrics import (centralization_of, entropy_of, gini_sorted, is_heavy, top_share_sorted)
from .state import (ALIVE, ALIVE_DEGREE, CHANNELS, COMPLAINT_OPEN, ENGAGEMENT,
                    INTEREST, JOINED_STEP, LEAVE_REASONS, ORGANISER_TIE, POSTS, VALUE_WINDOW)

if TYPE_CHECKING:  # pragma: no cover
    from .model import CommunityModel

__all__ = ["OUTPUT_COLUMNS", "ENGAGED", "NICHE_MATCH", "TOPIC_BINS", "TOPIC_WINDOW",
           "COUNTERS", "TOTALS", "DailyRecord", "day_statistics", "fill_row", "record_day",
           "members_frame",
           "recruitment_tree", "network_view", "MEMBER_FIELDS"]

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

#: Per-member fields of :func:`members_frame`.
MEMBER_FIELDS = ("uid", "person", "joined_step", "left_step", "reason", "channel",
                 "recruiter", "generation", "engagement", "activity", "interest",
                 "organiser_tie", "posts", "replies", "replies_received", "shares",
                 "answers", "recruits", "first_post_step", "first_post_replies",
                 "posts_after_first", "value_window", "alive")

(_MEMBERS, _ENGAGED, _ACTIVE, _OPEN, _MEAN_E, _SD_E, _LURK, _CONTRIB, _HEAVY, _GINI, _TOP1,
 _CENTRAL, _NICHE, _ENTROPY) = range(14)


@njit(cache=True)
def day_statistics(floats, ints, bools, n, t, niche_center, niche_width, topic_ring):
    """Every member statistic of one day in one pass (plus one sort of the post counts).

    Returns a float array indexed by the ``_MEMBERS`` ... ``_ENTROPY`` constants: members,
    engaged (``e >= ENGAGED``), active (value in the window > 0), open complaints, mean and
    standard deviation of ``e``, the shares of lurkers, contributors and heavy contributors,
    the Gini and top-1 % share of posts, Freeman centralization (organiser included), the share
    in the niche (match >= ``NICHE_MATCH``) and the topic entropy of the last week's posts.
    """
    out = np.zeros(14, dtype=np.float64)
    log_niche = math.log(NICHE_MATCH)
    posts = np.empty(n, dtype=np.float64)
    degrees = np.empty(n + 1, dtype=np.float64)
    m = 0
    org = 0.0
    s1 = 0.0
    s2 = 0.0
    for i in range(n):
        if not bools[ALIVE, i]:
            continue
        e = floats[ENGAGEMENT, i]
        s1 += e
        s2 += e * e
        if e >= ENGAGED:
            out[_ENGAGED] += 1
        if floats[VALUE_WINDOW, i] > 0:
            out[_ACTIVE] += 1
        if bools[COMPLAINT_OPEN, i]:
            out[_OPEN] += 1
        p = ints[POSTS, i]
        if p == 0:
            out[_LURK] += 1
        elif is_heavy(p, t - ints[JOINED_STEP, i]):
            out[_HEAVY] += 1
        else:
            out[_CONTRIB] += 1
        # match >= NICHE_MATCH, the exponential computed only near the boundary (same result)
        d = circular_distance1(floats[INTEREST, i], niche_center) / niche_width
        y = -0.5 * d * d
        if y > log_niche + 1e-9 or (y >= log_niche - 1e-9 and gaussian_match(
                floats[INTEREST, i], niche_center, niche_width) >= NICHE_MATCH):
            out[_NICHE] += 1
        tie = 1.0 if bools[ORGANISER_TIE, i] else 0.0
        org += tie
        degrees[m] = ints[ALIVE_DEGREE, i] + tie
        posts[m] = p
        m += 1
    degrees[m] = org
    out[_MEMBERS] = m
    if m > 0:
        mean = s1 / m
        out[_MEAN_E] = mean
        out[_SD_E] = math.sqrt(max(s2 / m - mean * mean, 0.0))
        out[_LURK] /= m
        out[_CONTRIB] /= m
        out[_HEAVY] /= m
        out[_NICHE] /= m
        sorted_posts = sorted_counts(posts[:m])
        out[_GINI] = gini_sorted(sorted_posts)
        out[_TOP1] = top_share_sorted(sorted_posts, 0.01)
    out[_CENTRAL] = centralization_of(degrees[:m + 1])
    bins = topic_ring.shape[1]
    step = bins // TOPIC_BINS
    coarse = np.zeros(TOPIC_BINS, dtype=np.float64)
    for b in range(bins):  # the week's posts per fine bin, summed into the coarse bins
        ring = 0.0
        for d in range(topic_ring.shape[0]):
            ring += topic_ring[d, b]
        coarse[b // step] += ring
    out[_ENTROPY] = entropy_of(coarse)
    return out


#: Today's counters (``_Day.c``), by index.
COUNTERS = ("joined", "joined_by_share", "left", "pruned", "turned_away", "member_posts",
            "organiser_posts", "replies", "shares", "exposures", "paid_exposures",
            "complaints_new", "complaints_answered", "member_answers", "organiser_answers",
            "answer_delay_sum", "invites", "spend_today", "paid_spend", "organiser_hours",
            "organiser_attention", "organiser_replies", "message_volume", "read_share",
            "content_relevance")
(C_JOINED, C_JOINED_BY_SHARE, C_LEFT, C_PRUNED, C_TURNED_AWAY, C_MEMBER_POSTS,
 C_ORGANISER_POSTS, C_REPLIES, C_SHARES, C_EXPOSURES, C_PAID_EXPOSURES, C_COMPLAINTS_NEW,
 C_COMPLAINTS_ANSWERED, C_MEMBER_ANSWERS, C_ORGANISER_ANSWERS, C_ANSWER_DELAY_SUM, C_INVITES,
 C_SPEND_TODAY, C_PAID_SPEND, C_ORGANISER_HOURS, C_ORGANISER_ATTENTION, C_ORGANISER_REPLIES,
 C_MESSAGE_VOLUME, C_READ_SHARE, C_CONTENT_RELEVANCE) = range(len(COUNTERS))

#: Running totals (``model.totals``), by index.
TOTALS = ("joined", "share_joins", "share_exposures", "exposures", "unique_reach", "spend",
          "media_impressions", "recruiters", "generations", "media_adopters")
(T_JOINED, T_SHARE_JOINS, T_SHARE_EXPOSURES, T_EXPOSURES, T_UNIQUE_REACH, T_SPEND,
 T_MEDIA_IMPRESSIONS, T_RECRUITERS, T_GENERATIONS, T_MEDIA_ADOPTERS) = range(len(TOTALS))

#: Columns stored as whole numbers.
INT_COLUMNS = frozenset((
    "step", "members", "joined", "joined_by_share", "left", "pruned", "turned_away",
    "active_members", "posts", "organiser_posts", "member_posts", "replies", "shares",
    "exposures", "paid_exposures", "total_exposures", "unique_reach", "engaged_members",
    "complaints_new", "complaints_open", "complaints_answered", "member_answers",
    "organiser_effort", "generations", "media_members", "organiser_replies"))

_COLUMN = {name: i for i, name in enumerate(OUTPUT_COLUMNS)}
assert len(OUTPUT_COLUMNS) == 53  # fill_row writes them in this order


@njit(cache=True)
def _ratio(numerator, denominator):
    return numerator / denominator if denominator != 0 else np.nan


@njit(cache=True)
def fill_row(row, t, stats, c, tot):
    """Write day ``t``'s row of :data:`OUTPUT_COLUMNS` from the member statistics
    (:func:`day_statistics`), today's counters ``c`` (:data:`COUNTERS`) and the running totals
    ``tot`` (:data:`TOTALS`)."""
    member_posts = c[C_MEMBER_POSTS]
    organiser_posts = c[C_ORGANISER_POSTS]
    organiser_content = organiser_posts + c[C_ORGANISER_ANSWERS] + c[C_ORGANISER_REPLIES]
    answered = c[C_COMPLAINTS_ANSWERED]
    engaged = stats[_ENGAGED]
    media = tot[T_MEDIA_ADOPTERS]
    values = (
        float(t), stats[_MEMBERS], c[C_JOINED], c[C_JOINED_BY_SHARE], c[C_LEFT], c[C_PRUNED],
        c[C_TURNED_AWAY], stats[_ACTIVE], member_posts + organiser_posts, organiser_posts,
        member_posts, c[C_REPLIES], c[C_SHARES], c[C_EXPOSURES], c[C_PAID_EXPOSURES],
        tot[T_EXPOSURES], tot[T_UNIQUE_REACH],
        _ratio(tot[T_SHARE_JOINS], tot[T_SHARE_EXPOSURES]),
        stats[_MEAN_E], stats[_SD_E], engaged, c[C_COMPLAINTS_NEW], stats[_OPEN], answered,
        c[C_MEMBER_ANSWERS], _ratio(c[C_ANSWER_DELAY_SUM], answered),
        _ratio(organiser_content, member_posts + organiser_posts + c[C_REPLIES] + answered),
        organiser_content + c[C_INVITES], c[C_ORGANISER_HOURS], c[C_ORGANISER_ATTENTION],
        c[C_ORGANISER_REPLIES], c[C_MESSAGE_VOLUME], c[C_READ_SHARE], c[C_CONTENT_RELEVANCE],
        stats[_CENTRAL], stats[_GINI], stats[_LURK],
        stats[_CONTRIB], stats[_HEAVY], stats[_TOP1], stats[_ENTROPY], stats[_NICHE],
        tot[T_GENERATIONS], _ratio(tot[T_SHARE_JOINS], tot[T_RECRUITERS]),
        _ratio(tot[T_SHARE_JOINS], tot[T_JOINED]), c[C_SPEND_TODAY], tot[T_SPEND],
        _ratio(tot[T_SPEND], tot[T_JOINED]), _ratio(tot[T_SPEND], engaged), media, tot[T_SPEND],
        tot[T_MEDIA_IMPRESSIONS], _ratio(tot[T_SPEND], media),
    )
    for i in range(len(values)):
        row[i] = values[i]


@njit(cache=True)
def record_day(row, floats, ints, bools, n, t, niche_center, niche_width, topic_ring, c, tot):
    """:func:`day_statistics` and :func:`fill_row` in one call: day ``t``'s row."""
    stats = day_statistics(floats, ints, bools, n, t, niche_center, niche_width, topic_ring)
    fill_row(row, t, stats, c, tot)


class DailyRecord:
    """The daily table: one row of :data:`OUTPUT_COLUMNS` a day in a growing float array."""

    def __init__(self, days: int = 256):
        self.table = np.zeros((max(days, 1), len(OUTPUT_COLUMNS)))
        self.days = 0

    def next_row(self) -> np.ndarray:
        """The next day's row, counted in."""
        row = self.pending_row()
        self.keep_row()
        return row

    def pending_row(self) -> np.ndarray:
        """The row the next day fills (the table grown if needed), not counted in until
        :meth:`keep_row`."""
        if self.days == self.table.shape[0]:
            self.table = np.concatenate([self.table, np.zeros_like(self.table)])
        return self.table[self.days]

    def keep_row(self) -> None:
        self.days += 1

    def array(self) -> np.ndarray:
        """The rows so far, days x :data:`OUTPUT_COLUMNS` (a read-only view)."""
        view = self.table[: self.days]
        view.flags.writeable = False
        return view

    def row(self, i: int) -> dict[str, float]:
        return {name: _cast(name, self.table[i, j]) for j, name in enumerate(OUTPUT_COLUMNS)}

    def rows(self) -> list[dict[str, float]]:
        return [self.row(i) for i in range(self.days)]

    def view(self) -> RowsView:
        """The rows as a read-only sequence of dicts, each built once when first read."""
        return RowsView(self)


    def frame(self) -> pd.DataFrame:
        data = self.table[: self.days]
        return pd.DataFrame({name: data[:, j].astype(np.int64) if name in INT_COLUMNS
                             else data[:, j].copy() for j, name in enumerate(OUTPUT_COLUMNS)})


class RowsView:
    """A read-only sequence of the daily rows as dicts (built lazily, then kept)."""

    def __init__(self, record: DailyRecord):
        self._record = record
        self._cache: list[dict[str, float]] = []

    def __len__(self) -> int:
        return self._record.days

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        while len(self._cache) <= i:
            self._cache.append(self._record.row(len(self._cache)))
        return self._cache[i]

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def _cast(name: str, value: float) -> float:
    return int(value) if name in INT_COLUMNS else float(value)


def members_frame(model: CommunityModel) -> pd.DataFrame:
    """One row per person who ever joined, in joining order: final state, how and when
    they came and went, who recruited them (``recruiter_id``, -1 = the organiser)."""
    v = model.state.all_rows(MEMBER_FIELDS)
    order = np.argsort(v["uid"], kind="stable")
    v = {name: values[order] for name, values in v.items()}
    labels = model.market.labels
    person = v["person"]
    p = model.params
    from .market import interest_match

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
        "niche_match": interest_match(v["interest"], p.niche_center, p.niche_width),
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


def recruitment_tree(model: CommunityModel) -> nx.DiGraph:
    """Who brought whom: edges recruiter -> recruit; the organiser (node ``"organiser"``)
    is the root of the founding, paid and invited members."""
    table = members_frame(model)
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


def network_view(model: CommunityModel) -> dict[str, Any]:
    """Arrays for drawing the group: organiser first, then members; ties as node-id pairs."""
    s = model.state
    rows = s.alive_rows()
    org = model.organiser.unique_id
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
            [[False], model.steps - s.joined_step[rows] < model.params.newcomer_days]),
        "edges": np.concatenate([org_edges, member_edges]).astype(np.int64).reshape(-1, 2),
    }


class DailyTable:
    """The part of ``mesa.DataCollector``'s interface that readers use: Mesa's plotting
    components (``get_model_vars_dataframe``) and ``mesa.batch_run`` (``model_vars`` by
    collection step; no agent reporters)."""

    agent_reporters: dict = {}
    agenttype_reporters: dict = {}
    _agent_records: dict = {}
    _agenttype_records: dict = {}

    def __init__(self, model: CommunityModel):
        self._model = model

    @property
    def _collection_steps(self) -> list[int]:
        return list(range(self._model.record.days))

    @property
    def model_vars(self) -> dict[str, list[float]]:
        frame = self._model.to_frame()
        return {name: frame[name].tolist() for name in frame.columns}

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per day, shaped as Mesa's: the index is the tick, unnamed (Mesa's altair
        plot reads it back with ``reset_index()`` as the column ``index``)."""
        frame = self._model.to_frame()
        frame.index = pd.RangeIndex(len(frame))  # row i is day i (``step`` stays a column)
        return frame
