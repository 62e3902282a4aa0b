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
# # Lesson 8 — Precision: does a narrow niche bring precise customers?
#
# **Learning goals.** After this lesson you can
#
# * describe how the model decides who joins: an exposed person joins with probability
#   `join_probability` × *interest match*, and the match falls with the distance between the
#   person's interest and the niche (`niche_width`);
# * measure precision: the share of members inside the niche and the conversion rate of
#   exposures;
# * weigh precision against size with one-factor contrasts on the same seeds.
#
# **The question.** The first source text says community marketing "reaches the precise
# target population", and that it has "directed demand": the people who join are the people
# the product is for. Is every joiner a precise customer? What does a narrower niche cost in
# members?

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
for name in ["niche_width", "interest_gating", "join_probability", "friend_homophily"]:
    print(f"{name:17} default {PARAMETERS[name].default!s:6} {PARAMETERS[name].help}")
WIDTH = PARAMETERS["niche_width"].default

# %% [markdown]
# ## 1. How interest match works
#
# A person whose interest is at distance *d* from the niche centre (on a circle of length 1)
# has the interest match *exp(−½ (d / niche_width)²)*: 1 at the centre, a half at about 1.2
# widths. The model counts a member *in the niche* when the match is at least 0.5.
# With `interest_gating` off, every exposed person matches fully: no targeting at all.

# %% [markdown]
# ## 2. Four arms, one factor each
#
# 90 days, the same 20 seeds, the normal group cap of 500, in a market of 10,000 people (half
# the default, to keep the runs quick):
#
# * a narrow niche (`niche_width` halved), the baseline, a broad niche (`niche_width` × 5);
# * the baseline with `interest_gating` off (anyone exposed may join).

# %%
DAYS, SMALL = 90, 10_000
ARMS = {
    f"narrow niche ({WIDTH / 2:g})": kit.replicate(DAYS, market_size=SMALL,
                                                   niche_width=WIDTH / 2),
    f"baseline ({WIDTH:g})": kit.replicate(DAYS, market_size=SMALL),
    f"broad niche ({WIDTH * 5:g})": kit.replicate(DAYS, market_size=SMALL,
                                                  niche_width=WIDTH * 5),
    "no interest gating": kit.replicate(DAYS, market_size=SMALL, interest_gating=False),
}
COLOURS = ["#2ca02c", "#1f77b4", "#ff7f0e", "#7f7f7f"]
fig, axes = kit.figure("Precision vs size: narrow, baseline, broad, no gating", ncols=3,
                       width=15)
for (label, frame), colour in zip(ARMS.items(), COLOURS):
    kit.band(axes[0], frame, "members", label=label, color=colour)
    kit.band(axes[1], frame, "niche_share", label=label, color=colour)
    kit.band(axes[2], frame[frame.step >= 10], "conversion_rate", label=label, color=colour)
kit.labels(axes[0], "day", "members (mean of 20 runs, 95% CI)", "Members")
kit.labels(axes[1], "day", "share of members inside the niche", "Precision")
kit.labels(axes[2], "day", "joins per share exposure so far", "Conversion")
kit.show(fig)

# %%
measures = {label: {
    f"members on day {DAYS}": kit.final(frame, "members"),
    "share in the niche": kit.final(frame, "niche_share"),
    "conversion per exposure": kit.final(frame, "conversion_rate"),
    "mean engagement": kit.final(frame, "mean_engagement"),
    "cost per member": kit.final(frame, "cost_per_member"),
} for label, frame in ARMS.items()}
kit.table({label: {k: kit.mean_ci(v) for k, v in m.items()} for label, m in measures.items()},
          ".3g")

# %% [markdown]
# The same day-90 numbers side by side: does a more precise group cost growth?

# %%
fig, axes = kit.figure(f"Day {DAYS}: precision against size, by arm (95% CI over 20 runs)",
                       ncols=2, width=12)
kit.estimates_bar(axes[0], {label: kit.mean_ci(m[f"members on day {DAYS}"])
                            for label, m in measures.items()}, colors=COLOURS)
kit.labels(axes[0], "members", "arm", "Size")
kit.estimates_bar(axes[1], {label: kit.mean_ci(m["share in the niche"])
                            for label, m in measures.items()}, colors=COLOURS)
kit.labels(axes[1], "share of members inside the niche", "arm", "Precision")
kit.show(fig)

# %%
narrow, base, broad, ungated = measures.values()
size_key, niche_key, conv_key = f"members on day {DAYS}", "share in the niche", \
    "conversion per exposure"
narrow_size = kit.difference(narrow[size_key], base[size_key])
broad_size = kit.difference(broad[size_key], base[size_key])
broad_niche = kit.difference(broad[niche_key], base[niche_key])
ungated_niche = kit.difference(ungated[niche_key], base[niche_key])
kit.say(f"""**In these runs** (each arm minus the baseline, same seeds).
In the baseline {kit.mean_ci(base[niche_key]):.0%} of members are inside the niche: **not every
joiner is a precise customer**, even with targeting. Halving the niche width changes the members on day {DAYS} by {narrow_size:+.0f}
({kit.direction(narrow_size, "more", "fewer", "no clear difference")}). Widening it five-fold
changes them by {broad_size:+.0f} ({kit.direction(broad_size, "more", "fewer",
"no clear difference")}) and the share in the niche by {broad_niche:+.0%} (percentage points; the niche itself is
wider then). With no interest gating at all, the share in the niche changes by
{ungated_niche:+.0%} and the conversion of
exposures is {kit.mean_ci(ungated[conv_key]):.3f} against {kit.mean_ci(base[conv_key]):.3f}.""")

# %%
assert kit.mean_ci(base[niche_key]).high < 1, "even with targeting, not every member is in the niche"
assert ungated_niche.below_zero, "without gating fewer members are in the niche"
assert kit.difference(ungated[conv_key], base[conv_key]).above_zero, \
    "without gating more exposures convert"

# %% [markdown]
# **The claims atlas** on precision:

# %%
kit.say(kit.atlas_note("precision"))

# %% [markdown]
# ## Exercises
#
# **8.1 Homophily.** Precision also comes from friends having similar interests
# (`friend_homophily`, the share of a person's friends drawn from people with nearby
# interests). Lower it: how does the share of members in the niche change?

# %%
HOMOPHILY_EX = 0.4    # try 0.0, 0.4, 0.8 (default), 1.0
ex = kit.replicate(DAYS, seeds=range(3), market_size=SMALL, friend_homophily=HOMOPHILY_EX)
print(f"friend_homophily = {HOMOPHILY_EX}, 3 seeds: members in the niche "
      f"{kit.final(ex, 'niche_share').mean():.0%}, members {kit.final(ex, 'members').mean():.0f}")

# %% tags=["teacher"]
loose = kit.replicate(DAYS, seeds=range(10), market_size=SMALL, friend_homophily=0.4)
kit.answer("8.1", "friend_homophily 0.4 minus the baseline: share of members in the niche "
           "(seeds 0-9):",
           kit.difference(kit.final(loose, "niche_share"), base[niche_key].iloc[:10]), "+.1%")
