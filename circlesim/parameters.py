"""The one definition of circlesim's parameters.

Every parameter is declared once in :data:`PARAMETERS` with its default, type, allowed range,
unit, the mechanism group it belongs to, one sentence of help and where its default comes from.
The model, the command line, scenario files, sweeps and the browser app all read this table;
none of them keeps its own copy.

Use :meth:`Parameters.from_mapping` to validate a mapping of overrides; it raises
:class:`ParameterError`, whose message is one line naming the key and its allowed range.
"""

from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Literal, Mapping

__all__ = [
    "GROUPS",
    "PARAMETERS",
    "ParamSpec",
    "ParameterError",
    "Parameters",
    "check_parameters",
    "independent_cascade_overrides",
    "parse_value",
]

Kind = Literal["float", "int", "bool", "choice", "graph", "int_list"]

#: Mechanism groups, in the order the user interface shows them.
GROUPS = (
    "network",
    "posting and replies",
    "attention and overload",
    "emotion",
    "complaints",
    "sharing and recruiting",
    "pruning",
    "costs",
)


class ParameterError(ValueError):
    """A parameter value or key is invalid. ``str(error)`` is one line for the user."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class ParamSpec:
    """Declaration of one parameter: what it means, its unit and its allowed values."""

    name: str
    default: Any
    kind: Kind
    group: str
    help: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    origin: str = "assumed"
    ui: bool = True
    #: range of values an informed modeller would still call plausible (used by
    #: ``circlesim claims`` to test where a claim holds); None = not varied
    plausible: tuple[float, float] | None = None
    plausible_source: str = ""

    def allowed(self) -> str:
        """Human-readable allowed values, used in every error message."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "graph":
            return "a networkx graph or a path to an edge-list .csv or a .graphml file"
        if self.kind == "int_list":
            return "a list of market node ids"
        noun = "a whole number" if self.kind == "int" else "a number"
        hi = "infinity" if self.high is None or math.isinf(self.high) else _fmt(self.high)
        return f"{noun} from {_fmt(self.low)} to {hi}"

    def validate(self, value: Any, shown: str | None = None) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError.

        ``shown`` is how the value appears in messages (the user's own text, if any).
        """
        shown = _show(value) if shown is None else shown
        bad = ParameterError(self.name, f"{self.name}={shown} is invalid: allowed {self.allowed()}")
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise bad
        if self.kind == "choice":
            if isinstance(value, str) and value in self.choices:
                return value
            raise bad
        if self.kind == "graph":
            return _validate_graph(self, value)
        if self.kind == "int_list":
            if value is None:
                return None
            if isinstance(value, (str, bytes, dict)):
                raise bad  # a string would be read character by character
            try:
                items = tuple(value)
            except TypeError:
                raise bad from None
            if not items or not all(_is_node_id(x) for x in items):
                raise bad
            return items
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            # numpy scalars are fine; strings and booleans are not
            if not (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf"):
                raise bad
        number = float(value)
        if math.isnan(number):
            raise bad
        if self.kind == "int":
            if not number.is_integer():
                raise bad
            number = int(number)
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        if not lo <= number <= hi:
            raise ParameterError(
                self.name,
                f"{self.name}={shown} is out of range: allowed {self.allowed()}",
            )
        return number


def _is_node_id(x: Any) -> bool:
    """A market node id: a whole number (generated market or numbered graph) or a text label."""
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, str)):
        return True
    return hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in "iu"


def _fmt(x: float | None) -> str:
    if x is None:
        return "-infinity"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "_") if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _validate_graph(spec: ParamSpec, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if not path.lower().endswith((".csv", ".graphml", ".txt", ".edgelist")):
            raise ParameterError(
                spec.name, f"{spec.name}={_show(path)} is invalid: allowed {spec.allowed()}"
            )
        if not os.path.isfile(path):
            raise ParameterError(spec.name, f"{spec.name}: no such file {_show(path)}")
        return path
    if hasattr(value, "nodes") and hasattr(value, "edges"):
        return value
    raise ParameterError(
        spec.name, f"{spec.name}={_show(value)} is invalid: allowed {spec.allowed()}"
    )


def _p(name, default, kind, group, help, unit="", low=None, high=None, **kw) -> ParamSpec:
    return ParamSpec(name, default, kind, group, help, unit, low, high, **kw)


INF = math.inf

#: Every parameter, in display order within its group.
PARAMETERS: dict[str, ParamSpec] = {
    s.name: s
    for s in [
        # --- network: who is in the group and how they are tied -------------------------
        _p("initial_members", 20, "int", "network",
           "People the organiser invites on day 0, chosen from the niche audience.",
           "people", 1, 1_000_000, origin="assumed: a founder's close circle"),
        _p("max_members", 500, "int", "network",
           "Group cap: joiners beyond it are turned away and counted.",
           "people", 1, 10_000_000, origin="WeChat group limit of 500 (source text)"),
        _p("market_size", 20_000, "int", "network",
           "Potential members outside the group (ignored when a market graph is loaded).",
           "people", 10, 1_000_000_000, origin="assumed (DESIGN.md)"),
        _p("friends_mean", 100.0, "float", "network",
           "Mean number of outside friends each person has (the 'circle of friends').",
           "people", 1, 5_000, origin="source text: 100 people in a WeChat circle"),
        _p("friend_homophily", 0.8, "float", "network",
           "Share of a person's friends drawn from people with nearby interests.",
           "fraction", 0, 1, origin="assumed: homophily (McPherson et al. 2001)"),
        _p("topics", 6, "int", "network",
           "Number of interest clusters in the market.", "topics", 1, 100,
           origin="assumed"),
        _p("topic_spread", 0.04, "float", "network",
           "Spread of interests around each cluster centre (on a circle of length 1).",
           "interest units", 0, 0.5, origin="assumed"),
        _p("niche_center", 0.0, "float", "network",
           "Interest at the centre of the community's niche.", "interest units", 0, 1,
           origin="assumed"),
        _p("niche_width", 0.06, "float", "network",
           "Width of the niche: interest match halves about 1.2 widths from the centre.",
           "interest units", 0.001, 10, origin="assumed"),
        _p("interest_gating", True, "bool", "network",
           "Joining depends on interest match; off: every exposed person matches fully."),
        _p("centre_strength", 0.3, "float", "network",
           "Chance that each member is tied to the organiser (1 = a star, low = weak centre).",
           "probability", 0, 1, origin="assumed; source text: weak centre"),
        _p("member_ties", 4, "int", "network",
           "Ties a new member makes to existing members besides its recruiter.",
           "ties", 0, 100, origin="assumed"),
        _p("broadcast", False, "bool", "network",
           "Organiser posts reach every member, not only those tied to the organiser."),
        _p("initial_people", None, "int_list", "network",
           "Market node ids of the initial members (API only; default: drawn from the niche).",
           ui=False),
        _p("market_graph", None, "graph", "network",
           "Outside friendships to use instead of the generated market (edge-list CSV, "
           "GraphML or a networkx graph).", ui=False),
        # --- posting and replies --------------------------------------------------------
        _p("interaction", True, "bool", "posting and replies",
           "Members may post and reply (two-way); off: a one-way channel where only the "
           "organiser speaks.", origin="source text: two-way vs one-way"),
        _p("visit_floor", 0.05, "float", "posting and replies",
           "Daily chance that a fully disengaged member still opens the group.",
           "probability", 0, 1, origin="assumed"),
        _p("activity_sigma", 2.0, "float", "posting and replies",
           "Spread (log-normal sigma) of members' activity propensity: the tail of heavy "
           "posters.", "", 0, 4,
           origin="calibrated: under 25% ever post, top 1% write over half the posts "
                  "(Nielsen 2006; van Mierlo 2014); search in docs/validation.md"),
        _p("post_rate", 0.01, "float", "posting and replies",
           "Expected posts per visit of a member of median activity at full engagement.",
           "posts/visit", 0, 20,
           origin="calibrated with activity_sigma to 90-9-1 (docs/validation.md)"),
        _p("organiser_posts", 2.0, "float", "posting and replies",
           "Posts the organiser publishes per day.", "posts/day", 0, 100,
           origin="assumed"),
        _p("reply_probability", 0.25, "float", "posting and replies",
           "Chance an engaged reader replies to a relevant post it sees.",
           "probability", 0, 1, origin="assumed"),
        _p("reply_reward", 0.15, "float", "posting and replies",
           "Engagement a poster gains (of its distance to 1) when its post gets a reply.",
           "fraction", 0, 1,
           origin="calibrated: a reply to a first post raises posting again (Joyce & Kraut "
                  "2006); search in docs/validation.md"),
        _p("newcomer_days", 14, "int", "posting and replies",
           "Days a member counts as a newcomer (replies matter twice as much then).",
           "days", 0, 365, origin="assumed"),
        _p("relevance_width", 0.15, "float", "posting and replies",
           "How far a post's topic may be from a reader's interest and still be relevant.",
           "interest units", 0.001, 10, origin="assumed"),
        # --- attention and overload: every lever has a price (DESIGN.md §7) ----------------
        _p("organiser_hours", 2.0, "float", "attention and overload",
           "The organiser's daily attention budget: posts, complaint answers, invitations and "
           "attention to tied members all draw on it, in that order.", "hours/day", 0, 24,
           origin="assumed: a part-time community manager; finite communication time "
                  "(Miritello et al. 2013, Social Networks 35(1))"),
        _p("hours_per_post", 0.25, "float", "attention and overload",
           "Organiser time to write one post.", "hours", 0, 24,
           origin="assumed: 15 minutes, consistent with cost_per_post at cost_per_hour"),
        _p("hours_per_answer", 0.1, "float", "attention and overload",
           "Organiser time to answer one complaint.", "hours", 0, 24,
           origin="assumed: 6 minutes, consistent with cost_per_answer at cost_per_hour"),
        _p("hours_per_invite", 0.05, "float", "attention and overload",
           "Organiser time for one personal invitation.", "hours", 0, 24,
           origin="assumed: 3 minutes, consistent with cost_per_invite at cost_per_hour"),
        _p("hours_per_tie", 0.01, "float", "attention and overload",
           "Organiser time a tied member needs per day to be attended in full (seeing the "
           "organiser's posts, getting its replies); more ties, less attention each.",
           "hours/day", 0, 24,
           origin="assumed so that the default organiser's spare time (about 1.3 h) attends "
                  "about 130 ties in full: interaction per tie falls beyond about 100-200 ties "
                  "(Goncalves, Perra & Vespignani 2011, PLoS ONE; Dunbar 1992)"),
        _p("cost_per_hour", 20.0, "float", "attention and overload",
           "Cost of one hour of the organiser's attention to tied members (posts, answers and "
           "invitations are priced by cost_per_post, cost_per_answer, cost_per_invite).",
           "money/hour", 0, 1e6,
           origin="assumed: the wage implied by cost_per_post / hours_per_post"),
        _p("reading_capacity", 40.0, "float", "attention and overload",
           "Messages a member can read in a day; beyond it a member reads a share "
           "capacity / volume of the group's messages (0 = unlimited).", "messages/day",
           0, 1e6,
           origin="source: Ren & Kraut 2014 (Human-Computer Interaction 29(4)): reading benefit "
                  "saturates beyond about 40 messages, after Liang et al. 2007"),
        _p("overload_leave_risk", 0.005, "float", "attention and overload",
           "Extra daily chance of leaving for a member who can read none of the day's messages "
           "(scaled by the share left unread).", "1/day", 0, 1,
           origin="form: Jones, Ravid & Rafaeli 2004 (ISR 15(2)): overloaded users end active "
                  "participation; size assumed equal to the leave risk of a half-engaged member "
                  "(leave_rate x 0.25)"),
        _p("irrelevance_leave_risk", 0.005, "float", "attention and overload",
           "Extra daily chance of leaving for a member to whom none of the group's recent posts "
           "is relevant (scaled by 1 - relevance): topic breadth costs commitment.",
           "1/day", 0, 1,
           origin="form: Ren, Kraut & Kiesler 2012 (MISQ 36(3)); Ren & Kraut 2014: topical "
                  "breadth lowers relevance and commitment; size assumed equal to the leave "
                  "risk of a half-engaged member (leave_rate x 0.25)"),
        # --- emotion ----------------------------------------------------------------------
        _p("contagion", 0.002, "float", "emotion",
           "Pull of each post seen on the reader's engagement toward the post's tone.",
           "per exposure", 0, 1,
           origin="calibrated: Cohen's d of one extra positive post inside Kramer, Guillory & "
                  "Hancock 2014's 0.001-0.02, at a neutral campaign tone "
                  "(docs/validation.md)"),
        _p("campaign_tone", 0.5, "float", "emotion",
           "Emotional tone of the organiser's content (0 negative, 0.5 neutral, 1 very "
           "positive): the emotional-campaign lever.",
           "tone", 0, 1, origin="assumed: neutral unless a campaign chooses otherwise"),
        _p("engagement_decay", 0.004, "float", "emotion",
           "Share of engagement lost per day without stimulation.", "1/day", 0, 1,
           origin="assumed"),
        _p("initial_engagement", 0.5, "float", "emotion",
           "Mean engagement of a new member.", "engagement", 0, 1, origin="assumed"),
        # --- complaints -------------------------------------------------------------------
        _p("problem_probability", 0.005, "float", "complaints",
           "Daily chance that a member hits a problem and posts a complaint.",
           "1/day", 0, 1, origin="assumed"),
        _p("answer_capacity", 5, "int", "complaints",
           "Complaints the organiser can answer per day, oldest first.",
           "complaints/day", 0, 100_000, origin="assumed"),
        _p("answer_delay", 1, "int", "complaints",
           "Days before the organiser answers a complaint.", "days", 0, 365,
           origin="assumed"),
        _p("member_help", 0.05, "float", "complaints",
           "Chance that an engaged member who sees an open complaint answers it.",
           "probability", 0, 1, origin="assumed; source text: self-running"),
        _p("answer_lift", 0.3, "float", "complaints",
           "Share of the engagement lost since the problem that a complainer regains when "
           "answered (never above its pre-problem engagement unless recovery_paradox > 0).",
           "fraction", 0, 1, origin="assumed"),
        _p("answer_signal", 0.1, "float", "complaints",
           "Tone above neutral that onlookers read in a visible answer to a complaint, divided "
           "by 1 + the days the complaint waited (a fast answer is the better signal).",
           "tone", 0, 0.5,
           origin="assumed modest: webcare answers improve onlookers' evaluations a little "
                  "(van Noort & Willemsen 2012, J Interactive Marketing 26(3))"),
        _p("recovery_paradox", 0.0, "float", "complaints",
           "Service recovery paradox: an answered complainer gains this share of its distance "
           "to full engagement above its pre-problem level (0 = off: a problem never helps).",
           "fraction", 0, 1,
           origin="source: de Matos, Henrique & Rossi 2007 (J Service Research 10(1)) "
                  "meta-analysis: the paradox is weak and conditional, none on loyalty; off"),
        _p("complaint_leave_risk", 0.03, "float", "complaints",
           "Extra daily chance of leaving while one's complaint stays unanswered.",
           "1/day", 0, 1, origin="assumed"),
        # --- sharing and recruiting ------------------------------------------------------
        _p("share_probability", 0.48, "float", "sharing and recruiting",
           "Daily chance a visiting member shares a post outside, at engagement 0.5 "
           "(rises with engagement).", "1/day", 0, 1,
           origin="calibrated with reach_probability at a constant product (same growth): at "
                  "least 90% of shares recruit nobody, long chains are rare (Goel, Watts & "
                  "Goldstein 2012); python -m circlesim.validation.calibrate"),
        _p("share_once", False, "bool", "sharing and recruiting",
           "Each member shares exactly once, on its first day (the independent-cascade "
           "setting)."),
        _p("reach_probability", 0.025, "float", "sharing and recruiting",
           "Chance that a share reaches each outside friend (feeds show it to some).",
           "probability", 0, 1,
           origin="calibrated with share_probability: each share reaches few friends, so at "
                  "least 90% of shares recruit nobody (Goel, Watts & Goldstein 2012)"),
        _p("join_probability", 0.05, "float", "sharing and recruiting",
           "Chance an exposed outsider with a perfect interest match joins.",
           "probability", 0, 1, origin="assumed"),
        _p("seeding_budget", 0.0, "float", "sharing and recruiting",
           "Money per day spent on paid exposures targeted at the niche audience.",
           "money/day", 0, 1e9, origin="assumed"),
        _p("cost_per_seeded_exposure", 0.05, "float", "sharing and recruiting",
           "Price of one paid, targeted exposure.", "money", 0.0001, 1e6,
           origin="assumed: social ads about 50 per 1,000"),
        _p("leave_rate", 0.02, "float", "sharing and recruiting",
           "Daily chance of leaving for a fully disengaged member (falls with engagement).",
           "1/day", 0, 1, origin="assumed"),
        _p("inactive_days", 45, "int", "sharing and recruiting",
           "Days without opening the group after which a member counts as gone (0 = never).",
           "days", 0, 10_000, origin="assumed"),
        _p("organiser_stops_at", 0, "int", "sharing and recruiting",
           "Day on which the organiser stops all activity (0 = never).", "day", 0, 100_000,
           origin="scenario: what happens when the centre leaves"),
        # --- pruning ----------------------------------------------------------------------
        _p("pruning", False, "bool", "pruning",
           "Interest replacement: periodically remove members who add least and invite "
           "replacements.", origin="source text: interest replacement"),
        _p("prune_interval", 30, "int", "pruning", "Days between pruning rounds.", "days",
           1, 10_000),
        _p("prune_fraction", 0.1, "float", "pruning",
           "Largest share of members removed in one round (lowest value first).",
           "fraction", 0, 1),
        _p("prune_threshold", 1.0, "float", "pruning",
           "Only members whose value in the window is below this are removed.",
           "actions", 0, 1e6),
        _p("value_window", 30, "int", "pruning",
           "Days over which a member's value (posts, replies, shares, answers) is counted.",
           "days", 1, 365),
        _p("invite_acceptance", 0.5, "float", "pruning",
           "Chance that a person the organiser invites as a replacement joins.",
           "probability", 0, 1),
        # --- costs ------------------------------------------------------------------------
        _p("cost_per_post", 5.0, "float", "costs",
           "Organiser's cost of writing one post (staff time).", "money", 0, 1e6),
        _p("cost_per_answer", 2.0, "float", "costs",
           "Organiser's cost of answering one complaint.", "money", 0, 1e6),
        _p("cost_per_invite", 1.0, "float", "costs",
           "Organiser's cost of one personal invitation.", "money", 0, 1e6),
        _p("daily_fixed_cost", 20.0, "float", "costs",
           "Fixed cost per day of running the group (tools, moderation).", "money/day",
           0, 1e9),
        _p("media_cpm", 10.0, "float", "costs",
           "Mass-media price per 1,000 impressions.", "money", 0.001, 1e6,
           origin="published range: display CPMs of a few to about 10 dollars, up to 20-30 for "
                  "targeted or premium placements (industry benchmarks); 10 taken"),
        _p("media_conversion", 0.00002, "float", "costs",
           "Chance one ad impression converts a person with a perfect interest match "
           "(click-through x conversion after the click).",
           "probability", 0, 1,
           origin="published range: display click-through 0.05-0.1% (DoubleClick 2008: 0.11% "
                  "static; Smart Insights 2018: 0.05%) x a conversion after the click of a few "
                  "%: 0.1% x 2% = 2e-5 (range about 2.5e-6 to 1e-4)"),
        _p("media_imitation", 0.38, "float", "costs",
           "Bass imitation coefficient q of the mass-media arm (word of mouth among "
           "adopters, per 30 days).", "1/month", 0, 10,
           origin="source: Sultan, Farley & Lehmann 1990, q about 0.38 (per year there; "
                  "applied per 30 days here, an assumption: see docs/validation.md)"),
    ]
}

# Plausible ranges: where a value is assumed or calibrated, the span an informed modeller would
# still defend, with where it comes from. ``circlesim claims`` samples this space (a Latin
# hypercube) to say where each source-text claim holds. Kept here, beside the table, as one block.
_A = "assumed: about half to twice the default"
_PLAUSIBLE: dict[str, tuple[tuple[float, float], str]] = {
    "initial_members": ((10, 50), "assumed: a founder's circle of one to a few dozen people"),
    "friends_mean": ((50, 200), "Ugander et al. 2011: median Facebook friend count about 100, "
                     "mean about 190; source text: 100 in a WeChat circle"),
    "friend_homophily": ((0.5, 0.95), "McPherson, Smith-Lovin & Cook 2001: strong homophily; "
                         "share of similar friends assumed"),
    "topics": ((3, 12), "assumed"),
    "topic_spread": ((0.02, 0.08), _A),
    "niche_width": ((0.03, 0.12), _A),
    "centre_strength": ((0.1, 0.6), "assumed: from a loose centre to most members tied"),
    "member_ties": ((2, 8), _A),
    "visit_floor": ((0.02, 0.1), _A),
    "activity_sigma": ((1.5, 2.5), "calibrated to 90-9-1 (docs/validation.md); +/- 0.5"),
    "post_rate": ((0.005, 0.02), "calibrated with activity_sigma (docs/validation.md); x/2 to x2"),
    "organiser_posts": ((1, 5), "assumed: one to a few posts a day"),
    "reply_probability": ((0.1, 0.4), "assumed"),
    "reply_reward": ((0.05, 0.3), "calibrated to Joyce & Kraut 2006 (docs/validation.md); "
                     "x/3 to x2"),
    "newcomer_days": ((7, 30), "assumed: one week to one month"),
    "relevance_width": ((0.08, 0.3), _A),
    "contagion": ((0.0005, 0.008), "calibrated to Kramer, Guillory & Hancock 2014's d of "
                  "0.001-0.02 (docs/validation.md); x/4 to x4"),
    "campaign_tone": ((0.4, 0.8), "assumed: from slightly negative to positive around neutral"),
    "engagement_decay": ((0.002, 0.008), _A),
    "initial_engagement": ((0.4, 0.6), "assumed"),
    "problem_probability": ((0.002, 0.01), _A),
    "answer_capacity": ((2, 10), _A),
    "answer_delay": ((0, 3), "assumed: same day to three days"),
    "member_help": ((0.02, 0.1), _A),
    "answer_lift": ((0.1, 0.5), "assumed"),
    "complaint_leave_risk": ((0.01, 0.06), _A),
    "share_probability": ((0.24, 0.96), "calibrated with reach_probability to Goel, Watts & "
                          "Goldstein 2012 (docs/validation.md); x/2 to x2"),
    "reach_probability": ((0.0125, 0.05), "calibrated with share_probability; x/2 to x2"),
    "join_probability": ((0.02, 0.1), _A),
    "leave_rate": ((0.01, 0.04), _A),
    "inactive_days": ((30, 90), "assumed: one to three months"),
    "prune_fraction": ((0.05, 0.2), _A),
    "prune_threshold": ((0.5, 2.0), _A),
    "invite_acceptance": ((0.3, 0.7), "assumed"),
    "cost_per_post": ((2.0, 10.0), _A),
    "cost_per_answer": ((1.0, 5.0), _A),
    "daily_fixed_cost": ((10.0, 40.0), _A),
    "media_cpm": ((2.0, 30.0), "published range: display CPMs of a few to about 10, up to "
                  "20-30 for targeted or premium placements (see its origin)"),
    "media_conversion": ((0.0000025, 0.0001), "published range: click-through 0.05-0.1% x "
                         "conversion after the click of a few % (see its origin)"),
    "organiser_hours": ((1.0, 4.0), "assumed: a part-time community manager, x/2 to x2"),
    "hours_per_post": ((0.1, 0.5), "assumed: 6 to 30 minutes"),
    "hours_per_answer": ((0.05, 0.2), "assumed: 3 to 12 minutes"),
    "hours_per_invite": ((0.02, 0.1), "assumed: 1 to 6 minutes"),
    "hours_per_tie": ((0.005, 0.02), "assumed so that spare time attends about 65-260 ties in "
                      "full (Goncalves, Perra & Vespignani 2011; Dunbar 1992)"),
    "cost_per_hour": ((10.0, 40.0), _A),
    "reading_capacity": ((20.0, 80.0), "Ren & Kraut 2014: benefit saturates beyond about 40 "
                         "messages; x/2 to x2"),
    "overload_leave_risk": ((0.0025, 0.01), _A),
    "irrelevance_leave_risk": ((0.0025, 0.01), _A),
    "answer_signal": ((0.05, 0.2), "assumed modest (van Noort & Willemsen 2012); x/2 to x2"),
    "media_imitation": ((0.2, 0.6), "Sultan, Farley & Lehmann 1990: q about 0.38, spread "
                        "across studies"),
}
for _name, ((_lo, _hi), _src) in _PLAUSIBLE.items():
    if _name in PARAMETERS:  # a range for a parameter another branch removed is ignored
        PARAMETERS[_name] = replace(PARAMETERS[_name], plausible=(_lo, _hi),
                                    plausible_source=_src)
del _A, _name, _lo, _hi, _src


def _build_defaults() -> dict[str, Any]:
    return {name: spec.default for name, spec in PARAMETERS.items()}


def _unknown_key(key: str, known: Iterator[str] | None = None) -> ParameterError:
    names = list(known if known is not None else PARAMETERS)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else "; run 'circlesim params' for the list"
    return ParameterError(key, f"unknown parameter {key!r}{hint}")


@dataclass(frozen=True, init=False, eq=False)
class Parameters:
    """A validated, immutable set of parameter values (every key of :data:`PARAMETERS`).

    Read values as typed attributes (``params.share_probability``; the annotations below are
    checked against :data:`PARAMETERS` by a test). Build with :meth:`from_mapping`; derive a
    changed copy with :meth:`replace`. ``values`` is the same as a plain dict.
    """

    initial_members: int
    max_members: int
    market_size: int
    friends_mean: float
    friend_homophily: float
    topics: int
    topic_spread: float
    niche_center: float
    niche_width: float
    interest_gating: bool
    centre_strength: float
    member_ties: int
    broadcast: bool
    initial_people: tuple[int, ...] | None
    market_graph: Any
    interaction: bool
    visit_floor: float
    activity_sigma: float
    post_rate: float
    organiser_posts: float
    reply_probability: float
    reply_reward: float
    newcomer_days: int
    relevance_width: float
    contagion: float
    campaign_tone: float
    engagement_decay: float
    initial_engagement: float
    problem_probability: float
    answer_capacity: int
    answer_delay: int
    member_help: float
    answer_lift: float
    complaint_leave_risk: float
    share_probability: float
    share_once: bool
    reach_probability: float
    join_probability: float
    seeding_budget: float
    cost_per_seeded_exposure: float
    leave_rate: float
    inactive_days: int
    organiser_stops_at: int
    pruning: bool
    prune_interval: int
    prune_fraction: float
    prune_threshold: float
    value_window: int
    invite_acceptance: float
    cost_per_post: float
    cost_per_answer: float
    cost_per_invite: float
    daily_fixed_cost: float
    media_cpm: float
    media_conversion: float
    media_imitation: float

    organiser_hours: float
    hours_per_post: float
    hours_per_answer: float
    hours_per_invite: float
    hours_per_tie: float
    cost_per_hour: float
    reading_capacity: float
    overload_leave_risk: float
    irrelevance_leave_risk: float
    answer_signal: float
    recovery_paradox: float
    values: dict[str, Any]

    def __init__(self, values: Mapping[str, Any] | None = None):
        values = _build_defaults() if values is None else dict(values)
        object.__setattr__(self, "values", values)
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parameters) and self.values == other.values

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Parameters({self.changed()!r})"

    def __reduce__(self):
        return (Parameters, (self.values,))

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any] | None = None) -> Parameters:
        """Validate ``overrides`` on top of the defaults.

        Raises
        ------
        ParameterError
            For an unknown key, a value of the wrong type or out of range, or an
            inconsistent combination. The message is one line naming the key.
        """
        values = _build_defaults()
        for key, value in (overrides or {}).items():
            spec = PARAMETERS.get(key)
            if spec is None:
                raise _unknown_key(key)
            values[key] = spec.validate(value)
        _check_combinations(values)
        return cls(values)

    def replace(self, **changes: Any) -> Parameters:
        """A validated copy with ``changes`` applied."""
        return Parameters.from_mapping({**self.changed(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """All values, as a plain dict."""
        return dict(self.values)

    def changed(self) -> dict[str, Any]:
        """Only the values that differ from the defaults."""
        return {k: v for k, v in self.values.items() if PARAMETERS[k].default is not v
                and PARAMETERS[k].default != v}

    def __iter__(self):
        return iter(self.values.items())


def _check_combinations(v: dict[str, Any]) -> None:
    if v["market_graph"] is None and v["initial_people"] is None:
        if v["initial_members"] > v["market_size"]:
            raise ParameterError(
                "initial_members",
                f"initial_members={v['initial_members']} is out of range: allowed 1 to "
                f"market_size ({v['market_size']})",
            )
    if v["initial_people"] is not None and len(set(v["initial_people"])) > v["max_members"]:
        raise ParameterError(
            "initial_people",
            f"initial_people has {len(set(v['initial_people']))} distinct people: allowed at "
            f"most max_members ({v['max_members']})",
        )
    if v["initial_people"] is None and v["initial_members"] > v["max_members"]:
        raise ParameterError(
            "initial_members",
            f"initial_members={v['initial_members']} is out of range: allowed 1 to "
            f"max_members ({v['max_members']})",
        )


def parse_value(name: str, text: str) -> Any:
    """Parse command-line or form text for parameter ``name`` and validate it.

    Raises
    ------
    ParameterError
        If the key is unknown or the text is not a valid value.
    """
    spec = PARAMETERS.get(name)
    if spec is None:
        raise _unknown_key(name)
    raw = text.strip()
    bad = ParameterError(name, f"{name}={_show(text)} is invalid: allowed {spec.allowed()}")
    if spec.kind == "bool":
        lowered = raw.lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise bad
    if spec.kind == "choice":
        return spec.validate(raw)
    if spec.kind == "graph":
        return spec.validate(raw or None)
    if spec.kind == "int_list":
        try:
            return spec.validate([int(x) for x in raw.split(",") if x.strip()])
        except ValueError:
            raise bad from None
    try:
        number = float(raw.replace("_", ""))
    except ValueError:
        raise bad from None
    return spec.validate(number, shown=raw)


def check_parameters(scenario: Any = "baseline", memory_limit: int | None = None,
                     **parameters: Any) -> Parameters:
    """The parameters ``CommunityModel(scenario, memory_limit=..., **parameters)`` runs with,
    checked as the model checks them (each value and range, their combinations, the memory
    budget: the model calls this) without building anything (for a preset name or file, or
    ``None`` for no preset, without importing Mesa).

    Raises
    ------
    ParameterError
        For an unknown key, a bad value or combination, or a parameter set over the memory
        budget (:class:`circlesim.budget.MemoryBudgetError`); ``ScenarioError`` for a bad
        scenario file.
    """
    from .budget import check_memory

    if scenario is None:  # no preset: the defaults
        base: dict[str, Any] = {}
    elif isinstance(scenario, (str, os.PathLike)):
        from .scenarios import load_scenario

        base = dict(load_scenario(scenario).parameters)
    else:  # a Mesa Scenario
        from .interop import resolve_scenario

        base = resolve_scenario(scenario, None)[1]
    params = Parameters.from_mapping({**base, **parameters})
    check_memory(params, memory_limit)
    return params


def independent_cascade_overrides(p: float) -> dict[str, Any]:
    """Parameters that reduce the model to an independent cascade with edge probability ``p``.

    Emotion, complaints, leaving (including overload and irrelevance), reading limits, pruning,
    paid seeding and the cap are off; every member shares
    exactly once on its first day; a share reaches each outside friend independently with
    probability ``p``; an exposed person always joins. The final number of members then equals
    the final size of an independent cascade (Kempe, Kleinberg & Tardos 2003) on the market
    graph started from the initial members.
    """
    return {
        "share_once": True,
        "reach_probability": p,
        "join_probability": 1.0,
        "interest_gating": False,
        "contagion": 0.0,
        "engagement_decay": 0.0,
        "problem_probability": 0.0,
        "leave_rate": 0.0,
        "inactive_days": 0,
        "pruning": False,
        "seeding_budget": 0.0,
        "max_members": 10_000_000,
        "organiser_posts": 0.0,
        "reading_capacity": 0.0,
        "overload_leave_risk": 0.0,
        "irrelevance_leave_risk": 0.0,
    }
