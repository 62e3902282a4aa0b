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
# # Lesson 1 — One to ten, ten to a hundred
#
# **Learning goals.** After this lesson you can
#
# * do the exposure arithmetic of *500 members × 100 friends* and explain why the number of
#   *different* people reached is smaller (overlap);
# * read a recruitment tree: generations, recruits per recruiter, who brought whom;
# * explain the threshold of word of mouth: when each member brings in fewer than about one
#   new member, the spread dies out.
#
# **The question.** The first source text promises:
#
# > "When you really master the method of community marketing, you will appreciate what is
# > called one to ten, ten to a hundred."
#
# and the second asks us to do the sums:
#
# > "Assuming there are 500 people in the group and 100 people in a person's WeChat circle of
# > friends, how much exposure will there be if each person helps you share your content
# > once? We can do the math by ourselves."
#
# Does a community really multiply like this, and when does it not?

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

from circlesim import CommunityModel, PARAMETERS, independent_cascade_overrides
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
SEEDS = kit.SEEDS                                   # 20 seeds, the same for every arm
FOUNDERS = PARAMETERS["initial_members"].default    # people the organiser invites on day 0
MARKET = PARAMETERS["market_size"].default          # potential members in the default market

# %% [markdown]
# ## 1. The arithmetic: 500 × 100
#
# On paper: 500 members × 100 friends = 50,000 exposures. To check it in the model we switch
# off everything but sharing (`independent_cascade_overrides(1.0)`: every member shares once
# and the share reaches *every* friend), set `join_probability = 0` so that nobody joins, put
# 500 members in the group and count one day. The model keeps two counters: **exposures**
# (every time a share reaches a person, repeats included) and **unique reach** (different
# people). Friends are drawn mostly among people with similar interests, and the market of
# potential members is finite, so many of the 500 share friends. We try a small market
# (5,000 people) and the default one.

# %%
GROUP, FRIENDS = 500, 100
NAIVE = GROUP * FRIENDS


def share_once(market_size, friends=FRIENDS, seeds=SEEDS):
    """Exposures and unique reach, one row per seed, after each of GROUP members shares once
    to all of its friends."""
    rows = []
    for seed in seeds:
        params = {**independent_cascade_overrides(1.0), "join_probability": 0.0,
                  "initial_members": GROUP, "max_members": GROUP,
                  "market_size": market_size, "friends_mean": friends}
        model = CommunityModel(rng=seed, **params)
        model.step()
        day = model.to_frame().iloc[-1]
        rows.append({"seed": seed, "exposures": day.exposures, "reach": day.unique_reach})
    return pd.DataFrame(rows).set_index("seed")


ARITH = {market: share_once(market) for market in (5_000, MARKET)}
arith = {f"market of {m:,}": {"exposures": kit.mean_ci(f.exposures),
                              "different people reached": kit.mean_ci(f.reach),
                              "reached per exposure": kit.mean_ci(f.reach / f.exposures)}
         for m, f in ARITH.items()}
kit.table(arith, ".3g")

# %%
fig, ax = kit.figure("Every member shares once: exposures vs different people reached")
bars = {}
for market, frame in ARITH.items():
    bars[f"exposures\n(market {market:,})"] = kit.mean_ci(frame.exposures)
    bars[f"different people\n(market {market:,})"] = kit.mean_ci(frame.reach)
kit.estimates_bar(ax, bars, horizontal=False,
                  colors=["#999999", "#1f77b4", "#999999", "#1f77b4"])
ax.axhline(NAIVE, color="black", linestyle="--", label=f"{GROUP} x {FRIENDS} = {NAIVE:,}")
kit.labels(ax, "", "people (mean of 20 runs, 95% CI)")
ax.set_xlabel("what is counted")
kit.show(fig)

# %%
default = ARITH[MARKET]
exposures = kit.mean_ci(default.exposures)
reach = kit.mean_ci(default.reach)
per_exposure = kit.mean_ci(default.reach / default.exposures)
small = kit.mean_ci(ARITH[5_000].reach / ARITH[5_000].exposures)
# if the exposures fell on people at random, M (1 - exp(-E / M)) different people are reached
random_reach = MARKET * (1 - np.exp(-exposures.mean / MARKET))
kit.say(f"""**In these runs.** {GROUP} members sharing once to about {FRIENDS} friends make
{NAIVE:,} exposures on paper; the model counts {exposures:,.0f}. But in the default market of
{MARKET:,} people they reach only **{reach:,.0f} different people**, that is
{per_exposure:.0%} of the exposures; in a market of 5,000 it is {small:.0%}. The rest are
repeats: friends of members are often friends of other members. If the exposures fell on
people at random, {random_reach:,.0f} would be reached: the overlap is close to that.""")

# %%
# the claims of this section, checked
assert abs(exposures.mean - NAIVE) < 0.05 * NAIVE, "exposures follow the 500 x 100 arithmetic"
assert per_exposure.high < 0.85, "unique reach is clearly smaller than exposures (overlap)"
assert small.high < per_exposure.low, "overlap is larger in a smaller market"
assert abs(reach.mean - random_reach) < 0.1 * random_reach, "overlap close to random repeats"

# %% [markdown]
# In the normal model a share does not reach all friends: feeds show it to some of them.
# That is the parameter `reach_probability`. Every parameter is documented in `PARAMETERS`:

# %%
for name in ["reach_probability", "share_probability", "join_probability", "friends_mean"]:
    spec = PARAMETERS[name]
    print(f"{name:18} default {spec.default!s:7} {spec.help}")

# %% [markdown]
# ## 2. Does the group multiply? Growth and the recruitment tree
#
# Now the full model (`baseline`: 20 founding members, sharing, emotion, complaints, leaving)
# for 90 days, 20 seeds, in a market of 10,000 people (half the default, to keep the runs
# quick). We lift the group cap (`max_members=kit.OPEN`) so that growth is not simply stopped
# at 500. From each run we also keep its *recruitment tree*: who brought
# whom (`members_frame()` has one row per person who ever joined, with `generation`: 0 = a
# founder, 1 = brought in by a founder, ... and `recruits`: how many this person brought).

# %%
DAYS, SMALL = 90, 10_000
frames, people = [], []
for seed in SEEDS:
    model = CommunityModel(rng=seed, max_members=kit.OPEN, market_size=SMALL)
    model.run(DAYS)
    frames.append(model.to_frame().assign(seed=seed))
    people.append(model.members_frame().assign(seed=seed))
growth, people = pd.concat(frames, ignore_index=True), pd.concat(people, ignore_index=True)

fig, ax = kit.figure("Baseline group, cap lifted: members over time")
kit.band(ax, growth, "members", label="mean of 20 runs (band: 95% CI)")
for factor in [1, 5, 10]:
    ax.axhline(FOUNDERS * factor, color="grey", linestyle=":")
    ax.text(1, FOUNDERS * factor * 1.05, f"{factor} x the founders", color="grey")
kit.labels(ax, "day", "members")
kit.show(fig)

# %%
growth_factor = kit.mean_ci(kit.final(growth, "members") / FOUNDERS)
tenfold = kit.mean_ci(kit.final(growth, "members") >= 10 * FOUNDERS)
reach_per_member = kit.mean_ci(kit.final(growth, "unique_reach") / kit.final(growth, "members"))
kit.say(f"""**In these runs.** From {FOUNDERS} founders the group has grown
by a factor of **{growth_factor:.1f}** after {DAYS} days; {tenfold:.0%} of the runs reached ten times
the founders in that time. The members' shares reached
{reach_per_member:.0f} different people for every member.""")

# %% [markdown]
# Who brought whom? Below, left: how many people joined in each generation (mean over the 20
# runs); right: how many people each member brought in.

# %%
per_generation = (people.groupby(["seed", "generation"]).size()
                  .unstack(fill_value=0).reindex(SEEDS, fill_value=0))
recruits = people.groupby("seed").recruits
share_none = kit.mean_ci(recruits.apply(lambda r: (r == 0).mean()))
by_recruiters = kit.mean_ci(recruits.apply(lambda r: r[r > 0].mean()))
best = kit.mean_ci(recruits.max())
depth = kit.mean_ci(people.groupby("seed").generation.max())

fig, (left, right) = kit.figure(f"The recruitment tree after {DAYS} days", ncols=2)
generations = list(per_generation.columns[:8])
kit.errorbars(left, generations, [kit.mean_ci(per_generation[g]) for g in generations])
kit.labels(left, "generation (0 = founders)", "people who joined (mean, 95% CI)",
           "How many joined in each generation")
counts = people.assign(n=people.recruits.clip(upper=5)).groupby(["seed", "n"]).size() \
    .unstack(fill_value=0)
kit.estimates_bar(right, {("5 or more" if n == 5 else str(n)): kit.mean_ci(counts[n])
                          for n in counts.columns}, horizontal=False, color="#ff7f0e")
right.set_yscale("log")
kit.labels(right, "people this member brought in", "members (mean, 95% CI, log scale)",
           "Recruits per member")
kit.show(fig)

# %%
kit.say(f"""**In these runs.** Recruitment trees are {depth:.1f} generations deep.
**{share_none:.0%} of the people who ever joined brought in nobody**; those who recruited
anyone brought {by_recruiters:.1f} each, and the best recruiter of a run brought {best:.1f}.
{"Nobody brings ten" if best.high < 10 else "Hardly anyone brings ten"}: where a group
multiplies, it is a few members bringing a few, generation after generation.""")

# %%
assert by_recruiters.high < 10, "recruiters bring a few each, not ten"

# %% [markdown]
# ## 3. When does spread die out?
#
# The `pure-cascade` preset is the textbook *independent cascade*: each member shares once,
# each friend sees it with probability `reach_probability` and always joins. With about 100
# friends (`friends_mean`), each member brings in on average
# **R = reach_probability × friends_mean** new members. We start from a *single* member (one
# enthusiastic fan), in a market of 5,000 to keep it fast, for 25 days, 20 seeds per value of
# R. A cascade *takes off* if it reaches 100 members.
#
# Branching-process theory says: below R = 1 every cascade dies out; above it a cascade
# survives with probability *s*, the solution of *s = 1 − exp(−R s)*.

# %%
R_VALUES = [0.8, 1.2, 2.0]
TAKEOFF = 100
FRIENDS_MEAN = PARAMETERS["friends_mean"].default


def cascade(R, starters=1, seeds=SEEDS):
    """Members after 25 days of a pure cascade with R new members per member, per seed."""
    frame = kit.replicate(25, "pure-cascade", seeds=seeds, reach_probability=R / FRIENDS_MEAN,
                          initial_members=starters, market_size=5_000)
    return kit.final(frame, "members")


def survival(R, iterations=500):
    """Chance that a branching process with Poisson(R) offspring never dies out."""
    s = 0.9
    for _ in range(iterations):
        s = 1 - np.exp(-R * s)
    return s if R > 1 else 0.0


took_off = {R: kit.mean_ci(cascade(R) >= TAKEOFF) for R in R_VALUES}
grid = np.linspace(0.6, 2.2, 100)
fig, ax = kit.figure("Independent cascades from one member: how often do they take off?")
ax.plot(grid, [survival(r) for r in grid], color="black", label="theory")
kit.errorbars(ax, R_VALUES, list(took_off.values()), fmt="o", label="model, 20 runs (95% CI)")
ax.axvline(1, color="grey", linestyle=":")
kit.labels(ax, "R = new members per member", f"share of runs reaching {TAKEOFF} members")
kit.show(fig)

# %%
kit.say(f"""**In these runs.** With R = 0.8, {took_off[0.8]:.0%} of the cascades took off.
Above the threshold the share was {took_off[1.2]:.0%} at R = 1.2 and {took_off[2.0]:.0%} at
R = 2 (theory: {survival(1.2):.0%} and {survival(2.0):.0%}). Near the threshold
{"most" if took_off[1.2].high < 0.5 else "many"} cascades die after a few shares, and a lucky few make the 'one to ten, ten to a hundred'.""")

# %%
assert took_off[0.8].mean == 0, "below R = 1 no cascade takes off"
assert took_off[2.0].low > 0.3, "well above R = 1 cascades often take off"
assert took_off[1.2].mean < 1, "near the threshold some cascades still die out"

# %% [markdown]
# The same threshold holds in the full model, where members share on many days with a
# probability that rises with their engagement (`share_probability` is the daily chance at
# engagement 0.5). With a tenth of the default sharing rate, does the group still grow?

# %%
DEFAULT_SHARE = PARAMETERS["share_probability"].default
rare = kit.replicate(DAYS, max_members=kit.OPEN, market_size=SMALL,
                     share_probability=DEFAULT_SHARE / 10)
fig, ax = kit.figure("Rare sharing: the spread dies out")
kit.band(ax, growth, "members", label=f"default sharing ({DEFAULT_SHARE})")
kit.band(ax, rare, "members", label=f"a tenth of it ({DEFAULT_SHARE / 10:.3f})")
ax.axhline(FOUNDERS, color="red", linestyle=":", label=f"{FOUNDERS} founders")
kit.labels(ax, "day", "members (mean of 20 runs, 95% CI)")
kit.show(fig)
rare_end = kit.mean_ci(kit.final(rare, "members"))
kit.say(f"""**In these runs.** With a tenth of the default sharing rate the group ends with
{rare_end:.1f} members after {DAYS} days, against {kit.mean_ci(kit.final(growth, 'members')):.0f}
with the default. 'One to ten' needs members who share often enough.""")
assert rare_end.high < FOUNDERS, "with rare sharing the group shrinks"

# %% [markdown]
# **The claims atlas.** The project's claims atlas tests each source-text claim over many
# settings. Its verdict on growth by sharing:

# %%
kit.say(kit.atlas_note("share_arithmetic"))
kit.say(kit.atlas_note("spreads_fast"))

# %% [markdown]
# ## Exercises
#
# **1.1 More friends, more reach?** Change `FRIENDS_EX` and run the cell. Does doubling the
# number of friends double the number of different people reached? Why not?

# %%
FRIENDS_EX = 200      # try 50, 200, 400
ex = share_once(MARKET, friends=FRIENDS_EX, seeds=range(3))
print(f"{GROUP} x {FRIENDS_EX} = {GROUP * FRIENDS_EX:,} on paper; model, 3 seeds: "
      f"{ex.exposures.mean():,.0f} exposures, {ex.reach.mean():,.0f} different people "
      f"({(ex.reach / ex.exposures).mean():.0%})")

# %% tags=["teacher"]
ex200 = share_once(MARKET, friends=200, seeds=range(10))
kit.answer("1.1", "With 200 friends each, different people reached (default market, seeds 0-9):",
           kit.mean_ci(ex200.reach), ",.0f",
           note=f"{kit.ratio(ex200.reach, default.reach.iloc[:10]):.2f} times the reach with "
                "100 friends on the same seeds: the market is finite, and extra exposures land "
                "more and more on people already reached")

# %% [markdown]
# **1.2 Find the threshold.** Change `SHARE_EX` (here a fraction of the default sharing
# rate). Around which value does the group stop shrinking? What else could you change to
# bring a group back above the threshold (look at `join_probability` and
# `reach_probability`)?

# %%
SHARE_EX = 0.3 * DEFAULT_SHARE   # try 0.1, 0.2, 0.3, 0.5 times the default
ex = kit.replicate(DAYS, seeds=range(3), max_members=kit.OPEN, market_size=SMALL,
                   share_probability=SHARE_EX)
print(f"share_probability = {SHARE_EX:.4f}: members after {DAYS} days per seed:",
      kit.final(ex, "members").tolist())

# %% tags=["teacher"]
third = kit.replicate(DAYS, seeds=range(10), max_members=kit.OPEN, market_size=SMALL,
                     share_probability=0.3 * DEFAULT_SHARE)
kit.answer("1.2", f"Members after {DAYS} days with 0.3 x the default sharing rate (seeds 0-9):",
           kit.mean_ci(kit.final(third, "members")), ".1f",
           note=f"against {FOUNDERS} founders and {kit.mean_ci(kit.final(growth, 'members')[:10]):.0f} "
                "with the default sharing rate on the same seeds")

# %% [markdown]
# **1.3 Start with more fans.** At R = 1.2, a single member's cascade often dies. Change
# `START_EX`, the number of founding members. How does the chance of taking off change?
# Compare with theory: with *n* independent starters it is *1 − (1 − s)ⁿ*.

# %%
START_EX = 3          # try 1, 3, 10
R_EX = 1.2
up = (cascade(R_EX, starters=START_EX, seeds=range(10)) >= TAKEOFF).mean()
print(f"{START_EX} starters, R = {R_EX}, 10 seeds: {up:.0%} took off; "
      f"theory {1 - (1 - survival(R_EX)) ** START_EX:.0%}")

# %% tags=["teacher"]
three = kit.mean_ci(cascade(1.2, starters=3) >= TAKEOFF)
kit.answer("1.3", "Share of cascades from 3 starters at R = 1.2 that take off:", three, ".0%",
           note=f"theory {1 - (1 - survival(1.2)) ** 3:.0%}; from one starter "
                f"{took_off[1.2].mean:.0%}")
