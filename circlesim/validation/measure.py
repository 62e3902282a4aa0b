"""One instrumented baseline replication and the raw measurements the patterns need.

:func:`run_replication` runs a :class:`ProbedModel` (the ordinary model plus one read-only
probe of emotional contagion) and returns a plain, picklable dict, so that replications can run
in worker processes and be pooled afterwards.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..metrics import gini, top_share
from ..model import CommunityModel
from .. import rules

__all__ = ["ProbedModel", "run_replication", "run_adoption", "cascade_table", "BASELINE_DAYS",
           "BASS_DAYS", "NEWCOMER_FOLLOW_UP", "PROBE_TONE", "PROBE_FROM"]

#: Horizon of a validation replication (the baseline horizon of DESIGN.md §2).
BASELINE_DAYS = 180
#: Horizon of the adoption runs the Bass curve is fitted to: long enough for the whole S (the
#: baseline group fills up to its cap of 500 in about 8 months).
BASS_DAYS = 360
#: A newcomer's first post must be at least this many days before the end of the run, so that
#: "posted again" is observed over at least this window for every newcomer; the same days
#: bound the shares whose cascades are counted.
NEWCOMER_FOLLOW_UP = 60
#: Tone of the extra post in the contagion probe (1 = the most positive post possible).
PROBE_TONE = 1.0
#: The contagion probe measures from this day on (after the founding weeks).
PROBE_FROM = 30


class ProbedModel(CommunityModel):
    """The baseline model with a read-only probe of the per-exposure contagion effect.

    Every day from :data:`PROBE_FROM` on, before engagement is updated, the probe computes each
    member's engagement update twice with the model's own rule
    (:func:`circlesim.rules.update_engagement`): once with what the member really saw and once
    with one extra post of tone :data:`PROBE_TONE`. The difference is the effect of one extra
    positive exposure; it is standardised by the spread of engagement across members that day
    (Cohen's d, the effect size Kramer et al. 2014 report). The probe changes nothing: the run
    is identical to an unprobed run with the same seed.
    """

    _keep_reading = True  # the model keeps what members read and their engagement before step 4

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.probe_days: list[tuple[float, float, float]] = []  # (mean delta, sd of e, d)

    def _morning(self, day) -> None:  # noqa: D401 - extends the model's steps 1-6
        super()._morning(day)
        if day.t >= PROBE_FROM:
            self._probe(day)

    def _probe(self, day) -> None:
        p, s, n = self.params, self.state, self.state.n
        alive = s.alive[:n]
        if alive.sum() < 10:
            return
        read = day.read
        newcomer = day.t - s.joined_step[:n] < p.newcomer_days
        kw = dict(contagion=p.contagion, reply_reward=p.reply_reward, decay=p.engagement_decay)
        before = day.engagement_before  # engagement before step 4 updated it
        base = rules.update_engagement(before, read.seen[:n], read.tone_sum[:n],
                                       read.replies_received[:n], newcomer, **kw)
        plus = rules.update_engagement(before, read.seen[:n] + 1.0,
                                       read.tone_sum[:n] + PROBE_TONE,
                                       read.replies_received[:n],
                                       newcomer, **kw)
        delta = (plus - base)[alive]
        sd = float(base[alive].std(ddof=1))
        mean = float(delta.mean())
        self.probe_days.append((mean, sd, mean / sd if sd > 0 else float("nan")))


def cascade_table(members, daily_shares=None, until: int | None = None) -> dict[str, Any]:
    """Per-share cascades from the per-member table.

    A member shares at most once a day and is credited with the people its share of that day
    recruited, so the share behind a recruit is (``recruiter_id``, ``joined_step``). A share's
    cascade is its recruits and everyone they, in turn, recruited; its depth is the number of
    recruitment generations below the sharer (0 = it recruited nobody).

    With ``until`` (and the daily ``shares`` column as ``daily_shares``) only shares made on
    days up to ``until`` count, so that every cascade had time to grow before the run ended.

    Returns
    -------
    dict with ``size`` and ``depth`` of every share that recruited somebody, and
    ``shares`` (all shares, including those that recruited nobody).
    """
    ids = members["member_id"].to_numpy()
    recruiter = members["recruiter_id"].to_numpy()
    joined = members["joined_step"].to_numpy()
    by_share = members["channel"].to_numpy() == "share"
    row_of = {int(u): i for i, u in enumerate(ids)}
    size = np.ones(ids.size, dtype=np.int64)     # subtree size, the member included
    height = np.zeros(ids.size, dtype=np.int64)  # generations below the member
    # members join after their recruiters: walk backwards in joining order
    for i in np.argsort(joined, kind="stable")[::-1]:
        r = int(recruiter[i])
        if r >= 0 and by_share[i]:
            j = row_of[r]
            size[j] += size[i]
            height[j] = max(height[j], height[i] + 1)
    recruits = np.flatnonzero(by_share)
    shares = int(members["shares"].sum())
    if until is not None:
        recruits = recruits[joined[recruits] <= until]
        shares = int(np.asarray(daily_shares)[: until + 1].sum())
    key = recruiter[recruits].astype(np.int64) * 1_000_000 + joined[recruits]
    uniq, inverse = np.unique(key, return_inverse=True)
    share_size = np.bincount(inverse, weights=size[recruits], minlength=uniq.size)
    share_depth = np.zeros(uniq.size, dtype=np.int64)
    np.maximum.at(share_depth, inverse, height[recruits] + 1)
    return {"size": share_size.astype(np.int64), "depth": share_depth,
            "shares": shares}


def run_replication(seed: int, days: int = BASELINE_DAYS, scenario: str = "baseline",
                    overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one seeded replication and return the raw measurements (a picklable dict)."""
    model = ProbedModel(scenario=scenario, rng=seed, **(overrides or {}))
    model.run(days)
    frame = model.to_frame()
    members = model.members_frame()
    last = frame.iloc[-1]
    posts = members["posts"].to_numpy()
    ended = np.where(members["left_step"].to_numpy() >= 0, members["left_step"].to_numpy(), days)
    tenure = ended - members["joined_step"].to_numpy()

    first = members["first_post_step"].to_numpy()
    cohort = (first >= 1) & (first <= days - NEWCOMER_FOLLOW_UP)
    replied = members["first_post_replies"].to_numpy() > 0
    again = members["posts_after_first"].to_numpy() > 0

    cascades = cascade_table(members, frame["shares"].to_numpy(), days - NEWCOMER_FOLLOW_UP)
    probe = np.array(model.probe_days, dtype=float).reshape(-1, 3)
    return {
        "seed": seed,
        "days": days,
        "members": int(last["members"]),
        "ever_joined": int(len(members)),
        # participation inequality, over everyone who ever joined (registered users)
        "ever_posted_share": float((posts > 0).mean()),
        "top1_share": top_share(posts, 0.01),
        "gini": gini(posts),
        "split_lurker": float((posts == 0).mean()),
        "split_heavy": float(((posts >= 2) & (posts * 7 >= np.maximum(tenure, 1))).mean()),
        # ... and over the current members (the daily table's columns)
        "now_lurker_share": float(last["lurker_share"]),
        "now_contributor_share": float(last["contributor_share"]),
        "now_heavy_share": float(last["heavy_share"]),
        "now_top1_share": float(last["top1_post_share"]),
        "now_gini": float(last["participation_gini"]),
        # newcomers' first posts
        "newcomers_replied": int((cohort & replied).sum()),
        "newcomers_replied_again": int((cohort & replied & again).sum()),
        "newcomers_unreplied": int((cohort & ~replied).sum()),
        "newcomers_unreplied_again": int((cohort & ~replied & again).sum()),
        # sharing cascades
        "shares": cascades["shares"],
        "cascade_size": cascades["size"].tolist(),
        "cascade_depth": cascades["depth"].tolist(),
        "sharers": int((members["shares"].to_numpy() > 0).sum()),
        "sharers_recruited_nobody": int(((members["shares"].to_numpy() > 0)
                                         & (members["recruits"].to_numpy() == 0)).sum()),
        "members_recruited_nobody": int((members["recruits"].to_numpy() == 0).sum()),
        "generation_counts": np.bincount(members["generation"].to_numpy()).tolist(),
        # emotional contagion probe
        "contagion_delta": float(np.nanmean(probe[:, 0])) if probe.size else float("nan"),
        "contagion_sd": float(np.nanmean(probe[:, 1])) if probe.size else float("nan"),
        "contagion_d": float(np.nanmean(probe[:, 2])) if probe.size else float("nan"),
        # adoption curve
        "cumulative_joined": frame["joined"].cumsum().tolist(),
        "members_curve": frame["members"].tolist(),
        "turned_away": int(frame["turned_away"].sum()),
    }


def run_adoption(seed: int, days: int = BASS_DAYS, scenario: str = "baseline",
                 overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """One plain run for the adoption curve: members and cumulative joins per day."""
    model = CommunityModel(scenario=scenario, rng=seed, **(overrides or {}))
    model.run(days)
    frame = model.to_frame()
    return {"seed": seed, "days": days, "members_curve": frame["members"].tolist(),
            "cumulative_joined": frame["joined"].cumsum().tolist()}
