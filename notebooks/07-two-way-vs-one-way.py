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
# # Lesson 7 — Two-way vs one-way: does talking back matter?
#
# **Learning goals.** After this lesson you can
#
# * set up a fair *one-factor contrast*: two arms that differ in one thing only, run on the
#   same seeds;
# * measure what members' posts and replies add to growth, engagement, sharing and cost;
# * spot a confounded comparison: a one-way channel that also reaches fewer members.
#
# **The question.** The first source text lists, among the strengths of community marketing,
# "high efficiency": a two-way, multi-directional channel in which members talk with the brand
# and with each other, instead of only listening. Is a group where members can post and reply
# better than a one-way channel where only the organiser speaks?
#
# **The fair comparison.** In the model the organiser's posts reach only members tied to the
# organiser, unless `broadcast` is on. The `mass-media` preset switches `interaction` off but
# leaves `broadcast` off, so it differs from the baseline in *two* ways: members cannot talk,
# *and* (as in the baseline) the organiser reaches only about a third of them. Here both arms
# have `broadcast` on — every member sees every organiser post — and only `interaction`
# differs.

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

import pandas as pd
import matplotlib.pyplot as plt

from circlesim import PARAMETERS, load_scenario
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
for name in ["interaction", "broadcast"]:
    print(f"{name:12} default {PARAMETERS[name].default!s:6} {PARAMETERS[name].help}")
print("mass-media preset changes:", load_scenario("mass-media").parameters)

# %% [markdown]
# ## 1. Two arms, one difference
#
# 90 days, the same 20 seeds, cap lifted, in a market of 10,000 people (half the default, to
# keep the runs quick). A third arm is the `mass-media` preset as it is
# (one-way *and* organiser posts reaching only tied members), to see what the unfair
# comparison would have told us.

# %%
DAYS = 90
QUICK = {"max_members": kit.OPEN, "market_size": 10_000}
ARMS = {
    "two-way (broadcast on)": kit.replicate(DAYS, **QUICK, broadcast=True),
    "one-way (broadcast on)": kit.replicate(DAYS, **QUICK, broadcast=True,
                                            interaction=False),
    "one-way preset (broadcast off)": kit.replicate(DAYS, "mass-media", **QUICK),
}
COLOURS = ["#1f77b4", "#ff7f0e", "#7f7f7f"]
fig, axes = kit.figure("Two-way vs one-way, equal reach of the organiser's posts", ncols=3,
                       width=15)
for (label, frame), colour in zip(ARMS.items(), COLOURS):
    kit.band(axes[0], frame, "members", label=label, color=colour)
    kit.band(axes[1], frame, "mean_engagement", label=label, color=colour)
    kit.band(axes[2], frame, "shares", label=label, color=colour, smooth=7)
kit.labels(axes[0], "day", "members (mean of 20 runs, 95% CI)", "Members")
kit.labels(axes[1], "day", "mean engagement of members", "Engagement")
kit.labels(axes[2], "day", "shares to outside friends per day (7-day mean)", "Sharing")
kit.show(fig)


# %%
def leave_rate(frame):
    """People who left per 1,000 member-days, one number per seed."""
    by_seed = frame.groupby("seed")
    return 1000 * by_seed.left.sum() / by_seed.members.sum()


measures = {label: {
    f"members on day {DAYS}": kit.final(frame, "members"),
    "mean engagement, last day": kit.final(frame, "mean_engagement"),
    "shares in all": kit.total(frame, "shares"),
    "left per 1,000 member-days": leave_rate(frame),
    "cost per member": kit.final(frame, "cost_per_member"),
} for label, frame in ARMS.items()}
kit.table({label: {k: kit.mean_ci(v) for k, v in m.items()} for label, m in measures.items()})

# %%
two, one, preset = measures.values()
effects = {measure: kit.difference(two[measure], one[measure]) for measure in two}
fig, axes = kit.figure("Two-way minus one-way, same seeds (95% CI)", ncols=len(effects),
                       width=16, height=3.2)
for ax, (measure, effect) in zip(axes, effects.items()):
    kit.estimates_bar(ax, {"two-way\nminus one-way": effect}, color="#1f77b4")
    ax.axvline(0, color="black", linewidth=0.8)
    kit.labels(ax, "difference", "", measure)
    ax.set_ylabel("contrast")
kit.show(fig)

# %%
size = effects[f"members on day {DAYS}"]
lines = [f"* {measure}: {effect:+.3g} — two-way is "
         f"{kit.direction(effect, 'higher', 'lower', 'not clearly different')}"
         for measure, effect in effects.items()]
unfair = kit.difference(two[f"members on day {DAYS}"], preset[f"members on day {DAYS}"])
kit.say(f"**In these runs** (two-way minus one-way, both with broadcast, same seeds):\n\n" +
        "\n".join(lines) +
        f"\n\nAgainst the one-way *preset*, whose organiser also reaches fewer members, the "
        f"difference in members would have been {unfair:+.0f}, compared with {size:+.0f} in "
        f"the fair contrast: part of an unfair comparison's gap is reach, not interaction.")

# %%
# one-way really is one-way: members neither post nor reply
one_way = ARMS["one-way (broadcast on)"]
assert one_way.member_posts.sum() == 0 and one_way.replies.sum() == 0
assert ARMS["two-way (broadcast on)"].replies.sum() > 0

# %% [markdown]
# **The claims atlas** on two-way interaction:

# %%
kit.say(kit.atlas_note("two_way"))

# %% [markdown]
# ## Exercises
#
# **7.1 Replies without reward.** In the model a reply received raises the poster's
# engagement by `reply_reward`. Set `REWARD_EX = 0` in the two-way arm: is two-way still
# ahead of one-way in members? (The one-way arm has no replies, so it does not change.)

# %%
REWARD_EX = 0.0       # try 0.0, 0.15 (default), 0.4
ex = kit.replicate(DAYS, seeds=range(3), **QUICK, broadcast=True,
                   reply_reward=REWARD_EX)
print(f"reply_reward = {REWARD_EX}, 3 seeds: two-way members "
      f"{kit.final(ex, 'members').mean():.0f}; one-way on the same seeds "
      f"{one[f'members on day {DAYS}'].iloc[:3].mean():.0f}")

# %% tags=["teacher"]
no_reward = kit.replicate(DAYS, seeds=range(10), **QUICK, broadcast=True,
                          reply_reward=0.0)
without = kit.difference(kit.final(no_reward, "members"), one[f"members on day {DAYS}"].iloc[:10])
with_reward = kit.difference(two[f"members on day {DAYS}"].iloc[:10],
                             one[f"members on day {DAYS}"].iloc[:10])
kit.answer("7.1", "Two-way with reply_reward = 0 minus one-way: members on day "
           f"{DAYS} (seeds 0-9):", without, "+.0f",
           note=f"with the default reward, on the same seeds: {with_reward:+.0f}")

# %% [markdown]
# **7.2 Who does the talking?** In the two-way arm, what share of all content is the
# organiser's in the last 30 days? (Use the column `organiser_content_share`.)

# %%
two_way = ARMS["two-way (broadcast on)"]
print(f"{kit.mean_ci(kit.window(two_way, 'organiser_content_share', DAYS - 29)):.0%}")

# %% tags=["teacher"]
kit.answer("7.2", "Organiser's share of content in the two-way arm, last 30 days:",
           kit.mean_ci(kit.window(two_way, "organiser_content_share", DAYS - 29)), ".0%",
           note="in the one-way arm it is 100% by construction")
