"""The source texts' claims, each as a one-factor contrast.

A :class:`Claim` names a quote from one of the two source texts (``docs/sources`` ids below), a
*base* parameter set shared by both arms, and exactly one change between arm ``a`` and arm ``b``:
one parameter of :data:`circlesim.parameters.PARAMETERS`, or one documented switch of
:data:`SWITCHES`. Each outcome says which way the text claims it moves from ``a`` to ``b``
(``"+"``: higher in ``b``). The claimed direction is what is *tested*, never a target: nothing in
the model or its defaults is tuned toward it (DESIGN.md section 7).

Outcomes are functions of one run's daily frame (``CommunityModel.to_frame()``) and the arm
(``"a"`` or ``"b"``); only switch claims read a different column per arm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..parameters import PARAMETERS, independent_cascade_overrides

if TYPE_CHECKING:  # (only the annotations name pandas: the command line starts without it)
    import pandas as pd

__all__ = ["CLAIMS", "SOURCES", "SWITCHES", "Claim", "Outcome", "get_claim", "robust_parameters"]

#: The two source texts (in ``shared/seeds``), by the id each claim cites.
SOURCES = {
    "community-marketing-meaning": "'What does community marketing mean?', Traditional Culture "
                                   "Encyclopedia (community-marketing-meaning.txt)",
    "social-marketing-characteristics": "'What Are The Characteristics Of Social Marketing?', "
                                        "viszho.com 2024 (social-marketing-characteristics.txt)",
}

#: Documented switches: a contrast between arms that run the *same* parameters but read a
#: different channel of the same run.
SWITCHES = {
    "channel": "which channel the same money buys: 'community' reads the group's own joins and "
               "spend; 'mass media' reads the model's mass-media arm, which spends exactly the "
               "same money every day on one-way ads (impressions = spend / CPM x 1000, a Bass "
               "process with media_conversion and media_imitation)",
}

Measure = Callable[["pd.DataFrame", str], float]


@dataclass(frozen=True)
class Outcome:
    """A named scalar of one run, and the direction the text claims from arm a to arm b."""

    name: str
    label: str
    direction: str  # "+" or "-"
    measure: Measure = field(repr=False, compare=False)


@dataclass(frozen=True)
class Claim:
    """One claim of the source texts as a one-factor contrast (arm a vs arm b)."""

    id: str
    title: str
    source: str
    quote: str
    parameter: str  # the one parameter (or switch) that differs between the arms
    a: Any
    b: Any
    label_a: str
    label_b: str
    outcomes: tuple[Outcome, ...]
    primary: str
    mechanism: str  # what in the model carries the claim
    fairness: str  # why these arms test it fairly
    base: dict = field(default_factory=dict)  # both arms (on top of the scenario)
    scenario: str = "baseline"
    days: int | None = None  # a fixed horizon (else the atlas' steps)
    stop_at_half: bool = False  # the organiser stops half-way through the horizon

    @property
    def is_switch(self) -> bool:
        return self.parameter in SWITCHES

    def horizon(self, steps: int) -> int:
        return int(self.days or steps)

    def base_parameters(self, steps: int) -> dict:
        """Parameters both arms share (without the scenario's own)."""
        base = dict(self.base)
        if self.stop_at_half:
            base["organiser_stops_at"] = max(1, self.horizon(steps) // 2)
        return base

    def change(self, arm: str) -> dict:
        """The one parameter change of ``arm`` ({} for a switch)."""
        if self.is_switch:
            return {}
        return {self.parameter: self.a if arm == "a" else self.b}

    def arm_parameters(self, arm: str, steps: int) -> dict:
        return {**self.base_parameters(steps), **self.change(arm)}

    def outcome(self, name: str) -> Outcome:
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(name)


# ------------------------------------------------------------------------------ measures


def _col(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=float)


def final(column: str) -> Measure:
    return lambda f, arm: float(_col(f, column)[-1])


def total(column: str) -> Measure:
    """Sum over days 1..end (day 0 is the initial state)."""
    return lambda f, arm: float(_col(f, column)[1:].sum())


def last_days(column: str, days: int = 30) -> Measure:
    """Mean over the last ``days`` days (at most the whole run after day 0), NaNs skipped."""
    def m(f, arm):
        x = _col(f, column)[1:]
        x = x[-days:]
        x = x[np.isfinite(x)]
        return float(x.mean()) if x.size else float("nan")
    return m


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def active_share(days: int = 30) -> Measure:
    def m(f, arm):
        a, n = _col(f, "active_members")[1:][-days:], _col(f, "members")[1:][-days:]
        return _ratio(a.sum(), n.sum())
    return m


def retention(f: pd.DataFrame, arm: str) -> float:
    """Members at the end / everyone who ever joined (initial members included)."""
    return _ratio(_col(f, "members")[-1], _col(f, "joined").sum())


def leave_share(f: pd.DataFrame, arm: str) -> float:
    """People who left (days 1..end) / everyone who ever joined."""
    return _ratio(_col(f, "left")[1:].sum(), _col(f, "joined").sum())


def per_member_day(column: str) -> Measure:
    def m(f, arm):
        return _ratio(_col(f, column)[1:].sum(), _col(f, "members")[1:].sum())
    return m


def multiplied(factor: float) -> Measure:
    def m(f, arm):
        members = _col(f, "members")
        return float(members.max() >= factor * max(members[0], 1))
    return m


def after_stop(f: pd.DataFrame, arm: str) -> float:
    """Members at the end / members on the day the organiser stopped."""
    members = _col(f, "members")
    stop = max(1, (len(members) - 1) // 2)
    return _ratio(members[-1], members[stop])


def at_stop(column: str) -> Measure:
    def m(f, arm):
        x = _col(f, column)
        return float(x[max(1, (len(x) - 1) // 2)])
    return m


# channel switch: arm "a" = mass media, arm "b" = community, same spend


def acquired(share_of_horizon: float = 1.0) -> Measure:
    def m(f, arm):
        t = max(1, int(round((len(f) - 1) * share_of_horizon)))
        if arm == "a":
            return float(_col(f, "media_members")[t])
        return float(_col(f, "joined")[: t + 1].sum())
    return m


def acquired_per_1000(f: pd.DataFrame, arm: str) -> float:
    spend = _col(f, "spend")[-1]
    return _ratio(1000.0 * acquired()(f, arm), spend)


def cost_per_acquired(f: pd.DataFrame, arm: str) -> float:
    return _ratio(_col(f, "spend")[-1], acquired()(f, arm))


# ------------------------------------------------------------------------------ the claims

S1 = "community-marketing-meaning"
S2 = "social-marketing-characteristics"

MEMBERS = Outcome("members", "members at the end", "+", final("members"))
ENGAGEMENT = Outcome("mean_engagement", "mean engagement, last 30 days", "+",
                     last_days("mean_engagement"))

#: the one-shot sharing setting of the 500 x 100 arithmetic (nobody joins; one day)
_SHARE_ONCE = {**independent_cascade_overrides(1.0), "join_probability": 0.0,
               "max_members": 500}

CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="low_cost", title="Low cost", source=f"{S1}, feature 1",
        quote="Compared with traditional media investment of millions of dollars, a good social "
              "platform is often a year's budget is only hundreds of thousands",
        parameter="channel", a="mass media", b="community",
        label_a="the same money on mass-media ads", label_b="the community",
        outcomes=(
            Outcome("acquired_per_1000", "people acquired per 1,000 spent", "+",
                    acquired_per_1000),
            Outcome("cost_per_acquired", "cost per acquired person", "-", cost_per_acquired),
        ),
        primary="acquired_per_1000",
        mechanism="cost model (posts, answers, invitations, a fixed daily cost) against the "
                  "mass-media arm that spends the same money on ads",
        fairness="both channels spend exactly the same money on the same days of the same run; "
                 "only the channel the money buys differs",
    ),
    Claim(
        id="two_way", title="High efficiency: two-way beats one-way", source=f"{S1}, feature 2",
        quote="Social marketing is a two-way interactive communication with the target group "
              "as the core, more effective than one-way communication",
        parameter="interaction", a=False, b=True,
        label_a="one-way: only the organiser speaks", label_b="two-way: members post and reply",
        base={"broadcast": True},
        outcomes=(
            MEMBERS,
            ENGAGEMENT,
            Outcome("retention", "members at the end / everyone who joined", "+", retention),
        ),
        primary="members",
        mechanism="replies and the engagement they reward; the one-way switch (interaction)",
        fairness="organiser posts reach every member in both arms (broadcast on), so the arms "
                 "differ in interaction only, not in how many members hear the organiser",
    ),
    Claim(
        id="precision", title="Precision: directed demand through word of mouth",
        source=f"{S1}, feature 3",
        quote="social marketing is directed demand, interpersonal trust, word of mouth",
        parameter="friend_homophily", a=0.0, b=PARAMETERS["friend_homophily"].default,
        label_a="friends drawn at random", label_b="friends with similar interests (default)",
        outcomes=(
            Outcome("conversion_rate", "joins per share exposure", "+", final("conversion_rate")),
            Outcome("niche_share", "members in the niche at the end", "+", final("niche_share")),
        ),
        primary="conversion_rate",
        mechanism="interest match on joining; homophilous outside friends",
        fairness="same sharing, same friend counts; only who a member's friends are differs",
    ),
    Claim(
        id="spreads_fast", title="Spreads fast: one to ten, ten to a hundred",
        source=f"{S1}, feature 4",
        quote="in the circle, the speed of its dissemination is very fast. When you really "
              "master the method of community marketing, you will appreciate what is called one "
              "to ten, ten to a hundred",
        parameter="share_probability", a=0.0, b=PARAMETERS["share_probability"].default,
        label_a="members do not share outside", label_b="members share (default rate)",
        outcomes=(
            MEMBERS,
            Outcome("unique_reach", "distinct people reached", "+", final("unique_reach")),
            Outcome("tenfold", "group grew tenfold (1 = yes)", "+", multiplied(10.0)),
        ),
        primary="members",
        mechanism="shares to outside friends, recruitment tree",
        fairness="same group, organiser and friends; only word of mouth is switched off in a",
    ),
    Claim(
        id="share_arithmetic", title="500 members x 100 friends: exposures vs unique reach",
        source=f"{S2}, advantage one",
        quote="Assuming there are 500 people in the group and 100 people in a person's WeChat "
              "circle of friends, how much exposure will there be if each person helps you share "
              "your content once?",
        parameter="initial_members", a=250, b=500,
        label_a="250 members share once", label_b="500 members share once",
        base=_SHARE_ONCE, days=1,
        outcomes=(
            Outcome("unique_reach", "distinct people reached", "+", final("unique_reach")),
            Outcome("exposures", "exposures (with repeats)", "+", final("total_exposures")),
        ),
        primary="unique_reach",
        mechanism="exposure arithmetic over homophilous friend lists (overlap)",
        fairness="each member shares exactly once to every friend, nobody joins; only the "
                 "number of sharers differs (the text's arithmetic says reach doubles)",
    ),
    Claim(
        id="multi_directional", title="Multi-directional interaction", source=f"{S2}, feature 1",
        quote="the members of the community can both release information themselves, but also "
              "to spread share information. This creates a lot of opportunities for companies",
        parameter="post_rate", a=0.0, b=PARAMETERS["post_rate"].default,
        label_a="members never post (they read, reply, share)",
        label_b="members post (default rate)",
        outcomes=(
            MEMBERS,
            Outcome("unique_reach", "distinct people reached", "+", final("unique_reach")),
            Outcome("organiser_content_share", "organiser's share of content, last 30 days",
                    "-", last_days("organiser_content_share")),
        ),
        primary="members",
        mechanism="members post, reply and share, not only the organiser",
        fairness="same organiser, replies and sharing; only members' own posts are removed",
    ),
    Claim(
        id="weak_centre", title="Weak centre: the group survives its organiser",
        source=f"{S2}, feature 2",
        quote="everyone has a voice, everyone is the subject of communication, is a process of "
              "weakening the centre, but does not mean that there is no centre",
        parameter="centre_strength", a=1.0, b=PARAMETERS["centre_strength"].default,
        label_a="a star: every member tied to the organiser",
        label_b="a weak centre (default ties)",
        stop_at_half=True,
        outcomes=(
            Outcome("kept_after_stop", "members at the end / when the organiser stopped", "+",
                    after_stop),
            MEMBERS,
            Outcome("centralization", "degree centralization when the organiser stops", "-",
                    at_stop("centralization")),
        ),
        primary="kept_after_stop",
        mechanism="centre_strength (organiser ties); the organiser stops half-way",
        fairness="both arms lose their organiser on the same day; only the ties to it differ",
    ),
    Claim(
        id="emotional", title="Emotional marketing: infected members grow the group",
        source=f"{S2}, feature 3",
        quote="prompting the group because the people are infected, and then continue to "
              "increase the group members",
        parameter="campaign_tone", a=PARAMETERS["campaign_tone"].default, b=0.7,
        label_a="neutral content (default tone)", label_b="an emotional, positive campaign",
        outcomes=(MEMBERS, ENGAGEMENT),
        primary="members",
        mechanism="emotional contagion: members' engagement moves toward the tone of what they "
                  "read (its strength, contagion, is varied over its plausible range)",
        fairness="same posts, same contagion; only the emotional tone of the organiser's "
                 "content differs (the campaign costs the same in both arms)",
    ),
    Claim(
        id="self_running", title="Self-running: members' work lowers the cost",
        source=f"{S2}, feature 4",
        quote="community members can create and share information on their own, thus realising "
              "the self-operation of community marketing. This can make the cost of the "
              "enterprise to be reduced significantly",
        parameter="member_help", a=0.0, b=PARAMETERS["member_help"].default,
        label_a="only the organiser answers", label_b="members answer too (default)",
        outcomes=(
            Outcome("cost_per_member_day", "organiser spend per member-day", "-",
                    per_member_day("spend_today")),
            Outcome("organiser_effort", "organiser actions in the run", "-",
                    total("organiser_effort")),
        ),
        primary="cost_per_member_day",
        mechanism="members' answers replace the organiser's",
        fairness="same complaints and organiser; only whether members may answer differs",
    ),
    Claim(
        id="interest_replacement", title="Interest replacement keeps the group alive",
        source=f"{S2}, feature 5",
        quote="The specific method can be the replacement of people who cannot produce value. "
              "Both enhance the vitality of the group",
        parameter="pruning", a=False, b=True,
        label_a="nobody is removed", label_b="the least active are replaced every 30 days",
        outcomes=(
            Outcome("active_share", "active share of members, last 30 days", "+",
                    active_share()),
            ENGAGEMENT,
        ),
        primary="active_share",
        mechanism="pruning and replacement invitations",
        fairness="same group and seeds; only the pruning switch differs",
    ),
    Claim(
        id="smaller_scope", title="Smaller scope: a small group works better",
        source=f"{S2}, feature 6",
        quote="Community marketing is a kind of activity in a small scope, so it can also be "
              "called scope economy",
        parameter="max_members", a=PARAMETERS["max_members"].default, b=150,
        label_a="cap of 500 (WeChat's limit)", label_b="cap of 150",
        outcomes=(
            Outcome("active_share", "active share of members, last 30 days", "+",
                    active_share()),
            ENGAGEMENT,
        ),
        primary="active_share",
        mechanism="group cap (and, where the model has them, costs of size)",
        fairness="same niche and sharing; only how many may join differs",
    ),
    Claim(
        id="fragmentation", title="Fragmentation: diverse members, fragmented content",
        source=f"{S2}, feature 7",
        quote="Because of the diversity of the community, the ability of community members to "
              "organise and create information ... is a form of fragmentation. However, as long "
              "as it is used wisely, the value of community marketing can be maximised",
        parameter="niche_width", a=PARAMETERS["niche_width"].default, b=0.2,
        label_a="a narrow niche (default width)", label_b="a diverse, wide niche",
        outcomes=(
            Outcome("topic_entropy", "topic entropy of member posts, last 30 days", "+",
                    last_days("topic_entropy")),
            Outcome("member_posts_per_member_day", "member posts per member-day", "+",
                    per_member_day("member_posts")),
        ),
        primary="topic_entropy",
        mechanism="spread of member interests; relevance of posts to readers",
        fairness="same group, sharing and organiser; only how diverse joiners may be differs",
    ),
    Claim(
        id="rapid_response", title="Rapid response to complaints",
        source=f"{S2}, advantage three",
        quote="when the user product or service project has a problem, a short period of time "
              "through the community to solve their difficulties, on the other hand, rapid "
              "response is very easy to get customer recognition",
        parameter="answer_delay", a=7, b=PARAMETERS["answer_delay"].default,
        label_a="answers after a week", label_b="answers the next day (default)",
        outcomes=(
            Outcome("leave_share", "people who left / everyone who joined", "-", leave_share),
            Outcome("complaints_open", "open complaints, last 30 days", "-",
                    last_days("complaints_open")),
            ENGAGEMENT,
        ),
        primary="leave_share",
        mechanism="complaint answering delay; unanswered complaints raise leaving",
        fairness="same problems and capacity; only how long a complaint waits differs",
    ),
)


def get_claim(claim_id: str) -> Claim:
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(claim_id)


def robust_parameters(claim: Claim) -> list[str]:
    """The assumed parameters varied over their plausible ranges for ``claim``'s robustness:
    every parameter with a plausible range, except the changed one and those the claim's base
    (or scenario) fixes."""
    fixed = set(claim.base) | {claim.parameter}
    if claim.stop_at_half:
        fixed.add("organiser_stops_at")
    return [name for name, spec in PARAMETERS.items()
            if spec.plausible is not None and name not in fixed]
