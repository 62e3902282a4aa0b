# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 4 — Interest replacement and participation inequality
#
# **Learning goals.** After this lesson you can
#
# * describe interest replacement (pruning): every 30 days the organiser removes members who
#   contributed nothing and invites replacements from the niche;
# * measure what it changes — the share of active members, engagement, the group's size — and
#   what it costs;
# * measure participation inequality: lurkers, contributors and heavy contributors against
#   Nielsen's 90-9-1 rule, the Gini coefficient and the Lorenz curve of posts.
#
# **The question.** The second source text says:
#
# > "This form of community marketing wants to survive and develop in the long term, it is
# > necessary to make each member of the group produce value and contribute to the
# > community. The specific method can be the replacement of people who cannot produce value.
# > Both enhance the vitality of the group, but also to ensure the integrity of the
# > community."
#
# Does removing those who add nothing keep a group alive? And can every member "produce
# value" at all, when online groups are famously unequal?

# %% [markdown]
# **How to use this notebook.** Run the cells from top to bottom (*Shift + Enter*). Every
# comparison runs each arm once for each of the same 20 seeds, so you get the same numbers as
# your classmates and the arms differ only in the factor being compared. Numbers are given as
# a mean over the seeds with its **95% confidence interval (CI)**, and every chart shows that
# interval as a shaded band or error bars. The sentences headed *In these runs* are computed
# from the runs above them, and the `assert` cells check what the text says: if the model
# changes, the lesson stops with an error instead of telling you something false. The
# exercises at the end have a parameter to change; they run as they are.

# %%
import warnings
warnings.filterwarnings("ignore", message="IProgress not found")  # progress bars need ipywidgets

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

from circlesim import CommunityModel
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})

# %% [markdown]
# ## 1. Pruning on and off
#
# The baseline against the `interest-replacement` preset (the only difference: pruning on),
# 120 days, the same 20 seeds, with the normal group cap, in a market of 10,000 people (half
# the default, to keep the runs quick). Every `prune_interval` days the
# organiser removes members whose contributions in the last `value_window` days are below
# `prune_threshold` — at most `prune_fraction` of the group — and invites as many people from
# the niche. An *active* member posted, replied, shared or answered a complaint within the
# last `value_window` days. From the baseline runs we also keep each member's record for
# sections 2 and 3.

# %%
kit.settings("interest-replacement", "pruning", "prune_interval", "prune_fraction",
             "prune_threshold", "value_window", "max_members")

# %%
DAYS, SMALL = 120, 10_000
frames, people = [], []
for seed in kit.SEEDS:
    model = CommunityModel(rng=seed, market_size=SMALL)
    model.run(DAYS)
    frames.append(model.to_frame().assign(seed=seed))
    people.append(model.members_frame().assign(seed=seed))
kept, people = pd.concat(frames, ignore_index=True), pd.concat(people, ignore_index=True)
pruned = kit.replicate(DAYS, "interest-replacement", market_size=SMALL)
ARMS = {"no pruning (baseline)": kept, "interest replacement": pruned}
for frame in ARMS.values():
    frame["active_share"] = frame.active_members / frame.members.clip(lower=1)
INTERVAL = kit.settings("interest-replacement", "prune_interval")["prune_interval"]

fig, axes = kit.figure("Interest replacement: activity, engagement and size", ncols=3, width=15)
for label, frame in ARMS.items():
    kit.band(axes[0], frame, "active_share", label=label)
    kit.band(axes[1], frame, "mean_engagement", label=label)
    kit.band(axes[2], frame, "members", label=label)
for ax, (name, title) in zip(axes, [("share of members active", "Active members"),
                                    ("mean engagement", "Engagement"),
                                    ("members", "Group size")]):
    for day in range(INTERVAL, DAYS + 1, INTERVAL):
        ax.axvline(day, color="grey", linestyle=":", linewidth=0.8)
    kit.labels(ax, "day (dotted: pruning rounds)", f"{name} (mean, 95% CI)", title)
kit.show(fig)

# %%
LATE = DAYS - 60
ROUNDS = list(range(2 * INTERVAL, DAYS + 1, INTERVAL))   # pruning days from the 2nd on


def on_rounds(frame, column):
    """Mean of `column` on pruning days, one number per seed."""
    return frame[frame.step.isin(ROUNDS)].groupby("seed")[column].mean()


on_days = kit.difference(on_rounds(pruned, "active_share"), on_rounds(kept, "active_share"))
late_active = kit.difference(kit.window(pruned, "active_share", LATE),
                             kit.window(kept, "active_share", LATE))
late_engagement = kit.difference(kit.window(pruned, "mean_engagement", LATE),
                                 kit.window(kept, "mean_engagement", LATE))
size = kit.difference(kit.final(pruned, "members"), kit.final(kept, "members"))
removed = kit.mean_ci(kit.total(pruned, "pruned"))
still_idle = kit.mean_ci(1 - kit.window(pruned, "active_share", LATE))
kit.say(f"""**In these runs** (pruning minus no pruning, same seeds). On pruning days the share
of active members changes by **{on_days:+.1%}** — the organiser has just removed members who
contributed nothing. Between rounds it sinks back (the saw-tooth); averaged over days
{LATE}-{DAYS} the change is {late_active:+.1%}, and mean engagement changes by
{late_engagement:+.3f}. The group ends with {size:+.0f} members, after
{removed:.0f} people per run were removed. Even with pruning, {still_idle:.0%} of the members
contributed nothing in the last window. The next sections show why.""")

# %%
assert removed.low > 0, "pruning removes members"
assert on_days.above_zero, "on the day of a round the share of active members is higher"

# %% [markdown]
# **The claims atlas** on interest replacement:

# %%
kit.say(kit.atlas_note("interest_replacement"))

# %% [markdown]
# ## 2. Lurkers, contributors, heavy contributors: the 90-9-1 rule
#
# Jakob Nielsen's rule of thumb for online communities: about 90 % of users never post
# (*lurkers*), 9 % post now and then, 1 % post most of the content. The model counts a
# member who posted at least twice and on average once a week as a *heavy contributor*.
# The model has no 90-9-1 built in: each member's activity is drawn from a heavy-tailed
# (log-normal) distribution, and posting also rises with engagement.

# %%
split = {name: kit.mean_ci(kit.final(kept, column)) for name, column in
         [("lurkers", "lurker_share"), ("contributors", "contributor_share"),
          ("heavy contributors", "heavy_share")]}
RULE = {"lurkers": 0.90, "contributors": 0.09, "heavy contributors": 0.01}
fig, ax = kit.figure(f"Who posts? Baseline on day {DAYS} against the 90-9-1 rule")
kit.estimates_bar(ax, split, horizontal=False, color="#1f77b4")
ax.plot(range(3), list(RULE.values()), "D", color="black", markersize=9, label="90-9-1 rule")
kit.labels(ax, "kind of member", "share of members (mean of 20 runs, 95% CI)")
kit.show(fig)

# %% [markdown]
# ## 3. The Lorenz curve and the Gini coefficient
#
# Sort the members from the fewest posts to the most and plot the share of all posts written
# by the bottom *x* % of members: that is the **Lorenz curve**. If everybody posted the same,
# it would be the diagonal. The **Gini coefficient** is twice the area between the diagonal
# and the curve: 0 = perfect equality, near 1 = a few write everything. We compute it by hand
# from `members_frame()` of each run and check it against the model's `participation_gini`.

# %%
GRID = np.linspace(0, 1, 101)
curves, ginis, tops = [], {}, {}
for seed, group in people[people.status == "member"].groupby("seed"):
    posts = np.sort(group.posts.to_numpy(dtype=float))
    n = posts.size
    x = np.arange(n + 1) / n
    y = np.concatenate([[0], np.cumsum(posts)]) / posts.sum()
    ginis[seed] = 1 - 2 * np.sum((y[1:] + y[:-1]) / 2) / n          # trapezoids
    tops[seed] = posts[-max(1, int(np.ceil(0.01 * n))):].sum() / posts.sum()
    curves.append(pd.DataFrame({"step": GRID, "seed": seed, "lorenz": np.interp(GRID, x, y)}))
lorenz = pd.concat(curves, ignore_index=True)
gini_by_hand = pd.Series(ginis)
gini_model = kit.final(kept, "participation_gini")

fig, ax = kit.figure(f"Lorenz curve of member posts, day {DAYS}", width=6, height=5.5)
ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="everyone posts the same")
kit.band(ax, lorenz, "lorenz", label=f"the groups (Gini {kit.mean_ci(gini_by_hand):.2f})")
kit.labels(ax, "share of members, fewest posts first", "share of all member posts")
kit.show(fig)

# %%
top1 = kit.mean_ci(pd.Series(tops))
lurker_shares = people[people.status == "member"].groupby("seed").apply(
    lambda g: g.loc[g.posts == 0, "shares"].sum() / max(g.shares.sum(), 1))
by_lurkers = kit.mean_ci(lurker_shares)
kit.say(f"""**In these runs.** **{split["lurkers"]:.0%} of members never posted**,
{split["contributors"]:.0%} posted now and then and {split["heavy contributors"]:.1%} are heavy
contributors. The top 1 % of members wrote **{top1:.0%} of all member
posts**; the Gini coefficient of posts is {kit.mean_ci(gini_by_hand):.2f}. "Make each member of
the group produce value" runs against this: removing every member who never posted would remove
{split["lurkers"]:.0%} of the group. Yet lurkers read, are moved by what they read, and may
share: they made {by_lurkers:.0%} of the current members' shares to outside friends.""")

# %%
assert np.allclose(gini_by_hand.sort_index(), gini_model.sort_index(), atol=1e-6), \
    "our Gini is the model's participation_gini"

# %% [markdown]
# ## Exercises
#
# **4.1 A more equal group?** `activity_sigma` is the spread of the members' activity (the
# log-normal sigma). Make it smaller: how do the Gini coefficient and the lurker share change?

# %%
SIGMA_EX = 1.0        # try 0.5, 1.0, 3.0 (the default is in PARAMETERS["activity_sigma"])
ex = kit.replicate(DAYS, seeds=range(3), market_size=SMALL, activity_sigma=SIGMA_EX)
print(f"activity_sigma = {SIGMA_EX}, 3 seeds: Gini {kit.final(ex, 'participation_gini').mean():.2f}, "
      f"lurkers {kit.final(ex, 'lurker_share').mean():.0%}")

# %% tags=["teacher"]
equal = kit.replicate(DAYS, seeds=range(10), market_size=SMALL, activity_sigma=1.0)
kit.answer("4.1a", "activity_sigma = 1: Gini coefficient of posts (seeds 0-9):",
           kit.mean_ci(kit.final(equal, "participation_gini")), ".2f",
           note=f"default: {kit.mean_ci(gini_model[:10]).mean:.2f}")
kit.answer("4.1b", "activity_sigma = 1: share of lurkers (seeds 0-9):",
           kit.mean_ci(kit.final(equal, "lurker_share")), ".0%",
           note=f"default: {kit.mean_ci(kit.final(kept, 'lurker_share')[:10]).mean:.0%}")

# %% [markdown]
# **4.2 Prune harder.** Change `FRACTION_EX` (largest share removed per round) and
# `THRESHOLD_EX` (members with fewer contributions than this in 30 days may be removed).
# Does harder pruning keep raising the active share? What does it do to the group's size?

# %%
FRACTION_EX, THRESHOLD_EX = 0.3, 2.0   # try (0.1, 1.0), (0.3, 2.0), (0.5, 5.0)
ex = kit.replicate(DAYS, "interest-replacement", seeds=range(3), market_size=SMALL,
                   prune_fraction=FRACTION_EX, prune_threshold=THRESHOLD_EX)
ex["active_share"] = ex.active_members / ex.members.clip(lower=1)
print(f"prune_fraction = {FRACTION_EX}, prune_threshold = {THRESHOLD_EX}, 3 seeds: active share "
      f"{kit.window(ex, 'active_share', LATE).mean():.1%}, "
      f"pruned {kit.total(ex, 'pruned').mean():.0f}, members {kit.final(ex, 'members').mean():.0f}")

# %% tags=["teacher"]
hard = kit.replicate(DAYS, "interest-replacement", seeds=range(10), market_size=SMALL,
                     prune_fraction=0.3, prune_threshold=2.0)
kit.answer("4.2", "prune_fraction 0.3, threshold 2: members on the last day (seeds 0-9):",
           kit.mean_ci(kit.final(hard, "members")), ".0f",
           note=f"default pruning, same seeds: "
                f"{kit.mean_ci(kit.final(pruned, 'members')[:10]).mean:.0f}; removed per run: "
                f"{kit.mean_ci(kit.total(hard, 'pruned')).mean:.0f} against "
                f"{kit.mean_ci(kit.total(pruned, 'pruned')[:10]).mean:.0f}")
