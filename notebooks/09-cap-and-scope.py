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
# # Lesson 9 — The cap and the smaller scope
#
# **Learning goals.** After this lesson you can
#
# * explain what a group cap does (WeChat groups hold at most 500 people): joiners beyond it
#   are turned away, and the group's size stops measuring its pull;
# * separate two meanings of "smaller scope": a narrow niche (who the group is for) and a cap
#   (how many it may hold);
# * measure growth against niche width, and what the cap turns away, on the same seeds.
#
# **The question.** The source texts describe community marketing as working in a "smaller
# scope": a circle of people with one interest that grows by itself. Does a smaller scope
# help a group, or only limit it? And when a cap is the reason a group stops growing, what
# is lost?
#
# **A warning from the model's review.** In an earlier version of the model the cap alone made
# "smaller scope" look good (a group that cannot grow cannot shrink by overload either). Here
# each lever is varied on its own and its price is shown.

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

from circlesim import PARAMETERS
from circlesim import lessons as kit

plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})
WIDTH = PARAMETERS["niche_width"].default
CAP = PARAMETERS["max_members"].default
for name in ["max_members", "niche_width"]:
    print(f"{name:12} default {PARAMETERS[name].default!s:6} {PARAMETERS[name].help}")

# %% [markdown]
# ## 1. Growth against niche width
#
# Three niche widths (half the default, the default, three times it), cap lifted so that the
# niche alone sets the scope, 90 days, the same 20 seeds, in a market of 10,000 people (half
# the default, to keep the runs quick).

# %%
DAYS, SMALL = 90, 10_000
FACTORS = [0.5, 1.0, 3.0]
WIDE = {f: kit.replicate(DAYS, market_size=SMALL, max_members=kit.OPEN, niche_width=WIDTH * f)
        for f in FACTORS}
size = {f: kit.mean_ci(kit.final(frame, "members")) for f, frame in WIDE.items()}
niche = {f: kit.mean_ci(kit.final(frame, "niche_share")) for f, frame in WIDE.items()}
engagement = {f: kit.mean_ci(kit.final(frame, "mean_engagement")) for f, frame in WIDE.items()}
widths = [WIDTH * f for f in FACTORS]
fig, axes = kit.figure(f"Scope by niche width, day {DAYS} (cap lifted)", ncols=3, width=15)
kit.errorbars(axes[0], widths, list(size.values()))
kit.labels(axes[0], "niche width", "members (mean of 20 runs, 95% CI)", "Size")
kit.errorbars(axes[1], widths, list(niche.values()), color="#2ca02c")
kit.labels(axes[1], "niche width", "share of members inside the niche", "Precision")
kit.errorbars(axes[2], widths, list(engagement.values()), color="#d62728")
kit.labels(axes[2], "niche width", "mean engagement of members", "Engagement")
for ax in axes:
    ax.set_xscale("log")
kit.show(fig)

# %%
narrow_vs_base = kit.difference(kit.final(WIDE[0.5], "members"), kit.final(WIDE[1.0], "members"))
wide_vs_base = kit.difference(kit.final(WIDE[3.0], "members"), kit.final(WIDE[1.0], "members"))
kit.say(f"""**In these runs.** Halving the niche width changes the members on day {DAYS} by
{narrow_vs_base:+.0f} ({kit.direction(narrow_vs_base, "a larger group", "a smaller group",
"no clear difference")}); tripling it, by {wide_vs_base:+.0f}
({kit.direction(wide_vs_base, "a larger group", "a smaller group", "no clear difference")}).
The share of members inside the niche is {niche[0.5]:.0%}, {niche[1.0]:.0%} and {niche[3.0]:.0%}
for the three widths (each measured against its own niche). Does the narrower niche buy
anything for the size it costs? Compare the engagement panel.""")

# %%
assert size[3.0].low > size[0.5].high, "a wider niche gives a bigger group when nothing caps it"

# %% [markdown]
# ## 2. The cap
#
# Now the default niche with a cap. To see the cap bite within 90 days we use a cap of 50
# (one factor: `max_members`), against the same runs with the cap lifted.

# %%
SMALL_CAP = 50
capped = kit.replicate(DAYS, market_size=SMALL, max_members=SMALL_CAP)
open_ = WIDE[1.0]
fig, (left, right) = kit.figure(f"A cap of {SMALL_CAP} against no cap", ncols=2)
kit.band(left, open_, "members", label="no cap", color="#1f77b4")
kit.band(left, capped, "members", label=f"cap {SMALL_CAP}", color="#d62728")
left.axhline(SMALL_CAP, color="grey", linestyle=":")
kit.labels(left, "day", "members (mean of 20 runs, 95% CI)", "Members")
capped["turned_away_so_far"] = capped.groupby("seed").turned_away.cumsum()
kit.band(right, capped, "turned_away_so_far", label=f"cap {SMALL_CAP}", color="#d62728")
kit.labels(right, "day", "would-be joiners turned away so far", "Turned away")
kit.show(fig)

# %%
turned = kit.mean_ci(kit.total(capped, "turned_away"))
size_gap = kit.difference(kit.final(capped, "members"), kit.final(open_, "members"))
engagement_gap = kit.difference(kit.final(capped, "mean_engagement"),
                                kit.final(open_, "mean_engagement"))
share_gap = kit.difference(kit.total(capped, "shares"), kit.total(open_, "shares"))
kit.say(f"""**In these runs.** With a cap of {SMALL_CAP}, {turned:.0f} would-be joiners were
turned away per run. The capped group ends with {size_gap:+.0f} members compared with no cap,
its mean engagement differs by {engagement_gap:+.3f}
({kit.direction(engagement_gap, "higher with the cap", "lower with the cap",
"no clear difference")}), and its members shared {share_gap:+.0f} times in all
({kit.direction(share_gap, "more", "fewer", "no clear difference")}).""")

# %%
assert turned.above_zero, "a binding cap turns people away"
assert kit.final(capped, "members").max() <= SMALL_CAP, "the cap holds"

# %% [markdown]
# **The claims atlas** on the smaller scope:

# %%
kit.say(kit.atlas_note("smaller_scope"))

# %% [markdown]
# ## Exercises
#
# **9.1 The real cap.** With the default cap of 500 and the default niche, how many people are
# turned away in a longer run? Change `DAYS_EX`.

# %%
DAYS_EX = 150         # try 90, 150, 240
ex = kit.replicate(DAYS_EX, seeds=range(3), market_size=SMALL)
print(f"{DAYS_EX} days, cap {CAP}, 3 seeds: members {kit.final(ex, 'members').mean():.0f}, "
      f"turned away {kit.total(ex, 'turned_away').mean():.0f}")

# %% tags=["teacher"]
real = kit.replicate(150, seeds=range(10), market_size=SMALL)
kit.answer("9.1", f"Default cap {CAP}, 150 days: people turned away per run (seeds 0-9):",
           kit.mean_ci(kit.total(real, "turned_away")), ".0f",
           note=f"members on day 150: {kit.mean_ci(kit.final(real, 'members')):.0f}")
